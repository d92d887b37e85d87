"""Everything a training run depends on, in one dataclass.

The CLI maps its options 1:1 onto these fields and ``config.json`` is ``dataclasses.asdict`` of it
(plus ``d_output``, see train/loop.py), so a run directory always says exactly how it was made.
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


@dataclass
class TrainConfig:
    # data and model
    data: str = "digits"  # digits | mnist | mnist:DIR | a folder of images
    image_size: int = 0  # 0: the data's own size (8 for digits, 28 for mnist); folders default to 64
    model: str = "mlp"  # mlp | dcgan
    z_dim: int = 100
    hidden: list[int] = field(default_factory=lambda: [256, 256])  # MLP widths (G and D)
    ngf: int = 64  # DCGAN generator width
    ndf: int = 64  # DCGAN discriminator width
    # loss and optimisation
    loss: str = "bce"  # bce (non-saturating) | hinge | lsgan | wgan-gp
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    batch_size: int = 64
    d_steps: int = 1  # critic steps per generator step
    gp_weight: float = 10.0  # WGAN-GP only
    spectral_norm: bool = False
    label_smoothing: float = 0.0  # one-sided: real targets become 1 - this (BCE only)
    ema: float = 0.0  # decay of an EMA copy of G, 0 = off
    # run length and output
    steps: int = 2000
    seed: int = 0
    run_dir: str = ""  # default runs/<name>
    name: str = ""
    log_every: int = 20
    sample_every: int = 500
    ckpt_every: int = 500
    eval_every: int = 0  # 0 = off
    keep: int = 3
    device: str = "auto"
    sync_bn: bool = False  # under torchrun: BatchNorm statistics over the global batch
    compile: bool = False  # torch.compile the networks (not with wgan-gp: no double backward)
    amp: str = "auto"  # bf16 autocast: auto (on for CUDA) | on | off
    channels_last: str = "auto"  # NHWC memory format for the DCGAN: auto (on for CUDA) | on | off
    on_nan: str = "stop"  # stop | rollback (to the last good checkpoint, learning rates halved)
    threads: int = 0  # CPU threads; 0 = auto (1 for the MLP, whose matrices are too small to split)
    bug: str = ""  # one of BUGS to reproduce a founding mistake, "" = none
    doctor: bool = True
    quiet: bool = False
    tensorboard: bool = False
    report: bool = True  # write report.html / report.zh.html at the end of the run

    def validate(self) -> None:
        """Reject values that would crash later with an unreadable traceback."""
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
        if self.compile and self.loss == "wgan-gp":
            raise UsageError("--compile does not work with --loss wgan-gp (no double backward when compiled)")
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
        if not 0.0 <= self.label_smoothing < 0.5:
            raise UsageError(f"--label-smoothing must be in [0, 0.5), got {self.label_smoothing}")
        if any(h < 1 for h in self.hidden) or not self.hidden:
            raise UsageError(f"--hidden needs positive widths, got {self.hidden}")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> TrainConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})
