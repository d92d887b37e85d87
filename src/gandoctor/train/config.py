"""Everything a training run depends on, in one dataclass.

The CLI's options are made from these fields (name, type, default, help and choices: see
cli/train.py), and ``config.json`` is ``dataclasses.asdict`` of it (plus ``d_output``, see
train/loop.py), so a run directory always says exactly how it was made.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from gandoctor.errors import UsageError
from gandoctor.train.bugs import BUGS
from gandoctor.train.losses import LOSSES

MODELS = ("mlp", "dcgan")
ON_NAN = ("stop", "rollback")
SWITCH = ("auto", "on", "off")

# The defaults that differ by model and data, chosen from runs over several seeds (docs/training.md
# has the tables). A field left at None takes its recipe's value when the run starts
# (``apply_recipe``). FOUNDING is the plain recipe of the reports the ``--bug`` runs come from, which
# are made with it; the DCGAN's recipe is that one too (Radford et al.'s). The MLP's differs by data:
# on MNIST (784 pixels) wider layers and R1+R2 penalties keep every digit; on the 8x8 digits both
# made the rare digits rarer, and spectral norm on 256-wide layers did best.
FOUNDING: dict[str, object] = {"loss": "bce", "lr_g": 2e-4, "lr_d": 2e-4, "spectral_norm": False,
                               "r1_r2": 0.0, "hidden": [256, 256], "minibatch_std": False,
                               "g_batchnorm": False, "ema": 0.0}
RECIPES: dict[str, dict[str, object]] = {
    "mlp": {"loss": "hinge", "lr_g": 5e-4, "lr_d": 5e-4, "spectral_norm": False, "r1_r2": 1.0,
            "hidden": [512, 512], "minibatch_std": True, "g_batchnorm": True, "ema": 0.999},
    "mlp on digits": {"loss": "hinge", "lr_g": 5e-4, "lr_d": 5e-4, "spectral_norm": True, "r1_r2": 0.0,
                      "hidden": [256, 256], "minibatch_std": True, "g_batchnorm": True, "ema": 0.999},
    "dcgan": FOUNDING,
}


def recipe_name(model: str, data: str, bug: str = "") -> str | None:
    """Which entry of RECIPES a run takes; None: FOUNDING (a --bug run, or an unknown model)."""
    if bug or model not in RECIPES:
        return None
    return "mlp on digits" if model == "mlp" and data == "digits" else model


def option(default, help: str, choices: tuple[str, ...] | None = None):
    """A field with the help text (and choices) its command-line option shows; see cli/train.py."""
    metadata = {"help": help, "choices": choices}
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass
class TrainConfig:
    # data and model
    data: str = option("digits", "digits | mnist | mnist:DIR (IDX files) | a folder of images")
    image_size: int = option(0, "resize images to this size; 0: the data's own (8 digits, 28 mnist), "
                                "64 for folders")
    model: str = option("mlp", "the networks", MODELS)
    z_dim: int = option(100, "noise dimension")
    hidden: list[int] | None = option(None, "MLP hidden widths of G and D, comma-separated")
    g_batchnorm: bool | None = option(None, "BatchNorm in the MLP generator's hidden layers (the DCGAN's G "
                                            "always has it)")
    ngf: int = option(64, "DCGAN generator width")
    ndf: int = option(64, "DCGAN discriminator width")
    # loss and optimisation
    loss: str | None = option(None, "the GAN loss; bce is the non-saturating one", tuple(LOSSES))
    lr_g: float | None = option(None, "generator learning rate")
    lr_d: float | None = option(None, "discriminator learning rate")
    beta1: float = option(0.5, "Adam beta1")
    beta2: float = option(0.999, "Adam beta2")
    batch_size: int = option(64, "batch size")
    d_steps: int = option(1, "critic steps per generator step")
    gp_weight: float = option(10.0, "gradient penalty weight (wgan-gp only)")
    spectral_norm: bool | None = option(None, "spectral norm on D's layers")
    r1_r2: float | None = option(None, "weight gamma of the zero-centred gradient penalties on D's real "
                                       "(R1) and fake (R2) inputs: gamma/2 E|grad D|^2 each; 0 = off")
    minibatch_std: bool | None = option(None, "MLP D sees its batch's feature spread (Karras et al.), "
                                              "against dropped modes")
    label_smoothing: float = option(0.0, "one-sided: real targets become 1 - this (bce only)")
    ema: float | None = option(None, "decay of an EMA copy of G used for samples, e.g. 0.999; 0 = off")
    # run length and output
    steps: int = option(2000, "generator steps in the run")
    seed: int = option(0, "random seed")
    run_dir: str = option("", "run folder; empty: runs/<name>")
    name: str = option("", "run name for the default run folder")
    log_every: int = option(20, "steps per metrics.jsonl line")
    sample_every: int = option(500, "steps per sample grid")
    ckpt_every: int = option(500, "steps per checkpoint")
    eval_every: int = option(0, "steps per evaluation, which keeps best.pt; 0 = off")
    keep: int = option(3, "checkpoints kept")
    device: str = option("auto", "auto (cuda, mps, cpu) | cpu | cuda[:N] | mps")
    sync_bn: bool = option(False, "under torchrun: SyncBatchNorm, batch statistics over all processes")
    compile: bool = option(False, "torch.compile G and D (slow start; long GPU runs; needs --no-doctor; "
                                  "not with wgan-gp or R1/R2, which need a double backward)")
    amp: str = option("auto", "bf16 autocast for the forward passes; auto: on for CUDA", SWITCH)
    channels_last: str = option("auto", "NHWC memory format for the DCGAN; auto: on for CUDA", SWITCH)
    on_nan: str = option("stop", "on a NaN/Inf loss: stop, or roll back to the last good checkpoint "
                                 "with half the learning rates", ON_NAN)
    threads: int = option(0, "CPU threads; 0: 1 for the MLP (its matrices are too small to split), "
                             "torch's default for the DCGAN")
    bug: str = option("", "reproduce a founding mistake; empty: none", tuple(BUGS))
    doctor: bool = option(True, "attach the doctor")
    quiet: bool = option(False, "no progress bar or messages")
    tensorboard: bool = option(False, "also write TensorBoard logs")
    report: bool = option(True, "write report.html / report.zh.html at the end (or later: gandoctor report)")

    def apply_recipe(self) -> TrainConfig:
        """Fill the fields left at None from the recipe of the model and data (in place; again is a no-op)."""
        which = recipe_name(self.model, self.data, self.bug)
        recipe = FOUNDING if which is None else RECIPES[which]
        for name, value in recipe.items():
            if getattr(self, name) is None:
                setattr(self, name, list(value) if isinstance(value, list) else value)
        return self

    @property
    def penalises_input_gradient(self) -> bool:
        """D's loss has a gradient w.r.t. D's input in it (WGAN-GP, R1/R2): a double backward, per sample."""
        return LOSSES[self.loss].penalty or bool(self.r1_r2)

    def recipe_line(self) -> str:
        """The recipe in use, as printed at the start of a run: which one, then its values."""
        parts = [f"{self.loss} loss", f"lr G {self.lr_g:g} / D {self.lr_d:g}",
                 f"Adam betas ({self.beta1:g}, {self.beta2:g})", f"batch {self.batch_size}"]
        if self.model == "mlp":
            parts.append(f"hidden {'-'.join(map(str, self.hidden))}")
        if self.d_steps > 1:
            parts.append(f"{self.d_steps} D steps per G step")
        switches = (("BatchNorm in G", self.g_batchnorm), ("spectral norm", self.spectral_norm),
                    (f"R1+R2 gamma {self.r1_r2:g}", self.r1_r2), ("minibatch std", self.minibatch_std))
        parts += [name for name, on in switches if on]
        parts.append(f"EMA {self.ema:g}" if self.ema else "no EMA")
        which = recipe_name(self.model, self.data, self.bug) or "founding"
        return f"{which}: " + ", ".join(parts)

    def validate(self) -> None:
        """Reject values that would crash later with an unreadable traceback."""
        self.apply_recipe()
        if self.model not in MODELS:
            raise UsageError(f"unknown --model {self.model!r}; choose from {', '.join(MODELS)}")
        if self.loss not in LOSSES:
            raise UsageError(f"unknown --loss {self.loss!r}; choose from {', '.join(LOSSES)}")
        if self.bug and self.bug not in BUGS:
            raise UsageError(f"unknown --bug {self.bug!r}; choose from {', '.join(BUGS)}")
        for name in ("steps", "batch_size", "d_steps", "log_every", "sample_every", "ckpt_every", "z_dim"):
            if getattr(self, name) < 1:
                raise UsageError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        if self.model == "dcgan" and self.image_size not in (0, 28, 32, 64):
            raise UsageError(f"--model dcgan supports --image-size 28, 32 or 64, got {self.image_size}")
        if self.compile and self.doctor:
            raise UsageError("--compile needs --no-doctor: torch.compile cannot trace the doctor's hooks")
        if self.compile and self.penalises_input_gradient:
            raise UsageError("--compile does not work with --loss wgan-gp or --r1-r2 (no double backward "
                             "when compiled)")
        for name in ("amp", "channels_last"):
            value = getattr(self, name)
            if value not in SWITCH:
                raise UsageError(f"--{name.replace('_', '-')} must be auto, on or off, got {value!r}")
        if self.on_nan not in ON_NAN:
            raise UsageError(f"unknown --on-nan {self.on_nan!r}; choose from {', '.join(ON_NAN)}")
        if self.threads < 0:
            raise UsageError(f"--threads must be 0 (auto) or more, got {self.threads}")
        if not 0.0 <= self.ema < 1.0:
            raise UsageError(f"--ema must be in [0, 1), got {self.ema}")
        if self.r1_r2 < 0.0:
            raise UsageError(f"--r1-r2 must be 0 (off) or more, got {self.r1_r2}")
        if not 0.0 <= self.label_smoothing < 0.5:
            raise UsageError(f"--label-smoothing must be in [0, 0.5), got {self.label_smoothing}")
        for name in ("minibatch_std", "g_batchnorm"):
            if getattr(self, name) and self.model != "mlp":
                raise UsageError(f"--{name.replace('_', '-')} is for --model mlp only")
        if any(h < 1 for h in self.hidden) or not self.hidden:
            raise UsageError(f"--hidden needs positive widths, got {self.hidden}")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> TrainConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        # a run saved before these options existed had none of them (its hidden widths were 256-256)
        values = {"minibatch_std": False, "g_batchnorm": False, "r1_r2": 0.0, "hidden": [256, 256], **values}
        return cls(**{k: v for k, v in values.items() if k in known})
