"""The training loop: set-up, the D step(s), the G step, then logging, samples and checkpoints.

``_train`` reads top to bottom like pytorch/examples' DCGAN; each piece it calls is a short function
or class above it (``_build``, ``_restore``, ``_discriminator_step``, ``_generator_step``, ``_Outputs``).

Logged scalars are summed on the device and read back once every ``log_every`` steps, so the loop
never forces a host sync per step. Everything a resumed run needs (weights, optimizers, EMA, step,
data position, RNG states, the fixed noise, the half-filled log window) goes into each checkpoint.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import random
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
from tqdm import tqdm

from gandoctor.doctor.api import watch
from gandoctor.errors import UsageError
from gandoctor.files import write_atomic
from gandoctor.metrics import evaluate as metrics_evaluate
from gandoctor.report import write_report
from gandoctor.report.plots import plot_losses
from gandoctor.report.run_files import read_jsonl
from gandoctor.train import distributed
from gandoctor.train.bugs import BUGS
from gandoctor.train.checkpoint import (
    capture_rng,
    load_latest,
    restore_rng,
    save_best,
    save_checkpoint,
    step_checkpoints,
)
from gandoctor.train.config import TrainConfig
from gandoctor.train.data import EpochSampler, load_data
from gandoctor.train.device import pick_device
from gandoctor.train.losses import LOSSES, d_output_mean, gradient_penalty, zero_centred_penalty
from gandoctor.train.models import build_models
from gandoctor.train.samples import save_grid

LOGGED = ["d_loss", "g_loss", "d_real", "d_fake", "g_grad_norm", "d_grad_norm"]
N_FIXED_SAMPLES = 64
MAX_ROLLBACKS = 3  # --on-nan rollback gives up after this many
ROLLBACK_LR_FACTOR = 0.5


@dataclass
class TrainResult:
    run_dir: Path
    step: int
    interrupted: bool = False
    last: dict = field(default_factory=dict)  # the last metrics.jsonl line
    findings: dict | None = None  # the doctor's to_json(), when it ran
    doctor_report: str = ""  # the doctor's text report, when it ran
    non_finite_step: int | None = None  # training stopped here because a loss became NaN or Inf
    lr_at_stop: tuple[float, float] = (0.0, 0.0)  # (lr_g, lr_d) in use when it did


def default_run_dir(cfg: TrainConfig) -> Path:
    data = Path(cfg.data.split(":", 1)[-1]).name if cfg.data not in ("digits", "mnist") else cfg.data
    data = "mnist" if cfg.data.startswith("mnist") else data
    name = cfg.name or "-".join(filter(None, [cfg.model, data, cfg.loss, cfg.bug]))
    return Path("runs") / name


def train(cfg: TrainConfig, resume: bool = False, overwrite: bool = False) -> TrainResult:
    """Train (or, with ``resume``, continue) the run described by ``cfg`` in ``cfg.run_dir``."""
    cfg.validate()
    run_dir = Path(cfg.run_dir) if cfg.run_dir else default_run_dir(cfg)
    cfg.run_dir = str(run_dir)
    dist = distributed.setup(pick_device(cfg.device))  # under torchrun: join the process group
    device = dist.device
    threads_before = torch.get_num_threads()
    if device.type == "cpu" and (cfg.threads or cfg.model == "mlp"):
        torch.set_num_threads(cfg.threads or 1)
    try:
        result = _train(cfg, run_dir, dist, resume, overwrite)
        rollbacks = 0
        while result.non_finite_step is not None and cfg.on_nan == "rollback":
            if rollbacks == MAX_ROLLBACKS or not step_checkpoints(run_dir):
                why = f"after {rollbacks} rollbacks" if rollbacks else "before the first checkpoint"
                raise UsageError(f"losses became NaN/Inf at step {result.non_finite_step} {why}; lower "
                                 "--lr-g/--lr-d (or --ckpt-every for more restore points)")
            rollbacks += 1
            earlier = result.findings
            result = _train(cfg, run_dir, dist, resume=True, overwrite=False, rollback=result)
            result.findings = distributed.merge_findings([f for f in (earlier, result.findings) if f])
            if result.findings is not None and dist.is_main:
                write_atomic(run_dir / "findings.json", json.dumps(result.findings, indent=2) + "\n")
        if dist.is_main and cfg.report:
            _write_report(run_dir, cfg.quiet)
        return result
    finally:
        torch.set_num_threads(threads_before)
        distributed.teardown()


@dataclass
class _Nets:
    """What a run trains: G and D (with the DDP or compiled modules the steps call), the EMA copy of G
    and the two optimizers."""

    G: nn.Module
    D: nn.Module
    G_train: nn.Module
    D_train: nn.Module
    G_ema: nn.Module | None
    opt_g: torch.optim.Optimizer
    opt_d: torch.optim.Optimizer


@dataclass
class _Progress:
    """Where the run is: everything besides the weights that a checkpoint restores."""

    sampler: EpochSampler
    fixed_noise: torch.Tensor
    window: torch.Tensor  # sums of the LOGGED scalars since the last log line
    window_steps: int = 0
    step: int = 0
    best: float | None = None
    elapsed_before: float = 0.0  # training seconds of earlier sessions of this run


class _RealBatches:
    """Real batches in [-1, 1] (or as a ``--bug`` scales them), this rank's share, in the sampler's order."""

    def __init__(self, cfg: TrainConfig, images: torch.Tensor, dist: distributed.DistInfo,
                 memory_format: torch.memory_format) -> None:
        bug = BUGS[cfg.bug] if cfg.bug else None
        self.scale = bug.scale if bug is not None and bug.scale is not None else _to_tanh_range
        self.images, self.dist, self.memory_format = images, dist, memory_format

    def next(self, sampler: EpochSampler) -> torch.Tensor:
        real = self.scale(self.images[self.dist.shard(sampler.next_indices()).to(self.images.device)].float())
        return real.contiguous(memory_format=self.memory_format) if real.dim() == 4 else real


def _to_tanh_range(raw: torch.Tensor) -> torch.Tensor:
    return raw / 127.5 - 1.0  # [-1, 1], the range of G's tanh output


def _build(cfg: TrainConfig, shape: tuple[int, ...], dist: distributed.DistInfo,
           memory_format: torch.memory_format) -> _Nets:
    G, D = build_models(cfg, shape)
    G, D = G.to(dist.device, memory_format=memory_format), D.to(dist.device, memory_format=memory_format)
    G_ema = copy.deepcopy(G).requires_grad_(False) if cfg.ema > 0 else None
    opt_g = torch.optim.Adam(G.parameters(), lr=cfg.lr_g, betas=(cfg.beta1, cfg.beta2))
    opt_d = torch.optim.Adam(D.parameters(), lr=cfg.lr_d, betas=(cfg.beta1, cfg.beta2))
    # The modules the steps run: DDP around G and D under torchrun, G and D themselves otherwise.
    # G and D stay unwrapped for state_dict, sampling and the doctor (DDP shares their parameters).
    G_train, D_train = distributed.wrap(G, dist, cfg.sync_bn), distributed.wrap(D, dist, cfg.sync_bn)
    if cfg.compile:  # optional: a slow first step (compiling), then faster steps on long runs
        G_train, D_train = torch.compile(G_train), torch.compile(D_train)
    return _Nets(G, D, G_train, D_train, G_ema, opt_g, opt_d)


def _restore(run_dir: Path, cfg: TrainConfig, nets: _Nets, n_images: int, device: torch.device,
             rollback: TrainResult | None) -> _Progress:
    """The last checkpoint's weights into ``nets`` and its progress; with ``rollback``, the learning
    rates that blew up are halved."""
    state = load_latest(run_dir)
    if state is None:
        raise UsageError(f"no checkpoint to resume from in {run_dir / 'checkpoints'}")
    nets.G.load_state_dict(state["G"])
    nets.D.load_state_dict(state["D"])
    if nets.G_ema is not None and "G_ema" in state:
        nets.G_ema.load_state_dict(state["G_ema"])
    nets.opt_g.load_state_dict(state["opt_g"])
    nets.opt_d.load_state_dict(state["opt_d"])
    if rollback is not None:
        for opt, lr in zip((nets.opt_g, nets.opt_d), rollback.lr_at_stop, strict=True):
            for group in opt.param_groups:
                group["lr"] = min(group["lr"], lr) * ROLLBACK_LR_FACTOR
    restore_rng(state["rng"])
    return _Progress(EpochSampler(n_images, cfg.batch_size, cfg.seed, **state["sampler"]),
                     state["fixed_noise"].to(device), state["window"].to(device), int(state["window_steps"]),
                     int(state["step"]), state.get("best"), float(state.get("time", 0.0)))


def _checkpoint_state(cfg: TrainConfig, shape: tuple[int, ...], nets: _Nets, progress: _Progress,
                      elapsed: float) -> dict:
    """Everything --resume needs, as tensors and plain values (loadable with weights_only=True)."""
    state = {"step": progress.step, "config": cfg.to_dict(), "image_shape": list(shape),
             "G": nets.G.state_dict(), "D": nets.D.state_dict(),
             "opt_g": nets.opt_g.state_dict(), "opt_d": nets.opt_d.state_dict(), "rng": capture_rng(),
             "sampler": progress.sampler.state_dict(), "fixed_noise": progress.fixed_noise.cpu(),
             "window": progress.window.cpu(), "window_steps": progress.window_steps, "best": progress.best,
             "time": progress.elapsed_before + elapsed}
    if nets.G_ema is not None:
        state["G_ema"] = nets.G_ema.state_dict()
    return state


@dataclass
class _DStep:
    loss: torch.Tensor
    real_out: torch.Tensor
    fake_out: torch.Tensor
    fake: torch.Tensor  # the last critic iteration's fake batch, which the G step scores again
    grad_norm: torch.Tensor


def _discriminator_step(cfg: TrainConfig, nets: _Nets, batches: _RealBatches, progress: _Progress,
                        dist: distributed.DistInfo, autocast) -> _DStep:
    """(1) D: real batch up, fake batch down; ``d_steps`` times."""
    loss = LOSSES[cfg.loss]
    for _ in range(cfg.d_steps):
        real = batches.next(progress.sampler)
        with autocast():
            fake = nets.G_train(dist.shard(torch.randn(cfg.batch_size, cfg.z_dim, device=dist.device)))
            real_out, fake_out = nets.D_train(real).float(), nets.D_train(fake.detach()).float()
        loss_d = loss.d_loss(real_out, fake_out, cfg.label_smoothing)
        if loss.penalty:
            loss_d = loss_d + cfg.gp_weight * gradient_penalty(nets.D_train, real, fake)
        if cfg.r1_r2:
            loss_d = loss_d + cfg.r1_r2 / 2 * (zero_centred_penalty(nets.D_train, real)
                                                + zero_centred_penalty(nets.D_train, fake))
        nets.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        grad_norm = _grad_norm(nets.D, dist.device)
        nets.opt_d.step()
    return _DStep(loss_d, real_out, fake_out, fake, grad_norm)


def _generator_step(cfg: TrainConfig, nets: _Nets, fake: torch.Tensor, autocast) -> tuple[torch.Tensor,
                                                                                           torch.Tensor]:
    """(2) G: make D call the fakes real. Returns (loss, gradient norm)."""
    bug = BUGS[cfg.bug] if cfg.bug else None
    if bug is not None and bug.generator_fake is not None:
        fake = bug.generator_fake(fake)
    with autocast():
        scored = nets.D_train(fake).float()
    loss_g = LOSSES[cfg.loss].g_loss(scored)
    nets.opt_g.zero_grad(set_to_none=True)
    loss_g.backward()
    grad_norm = _grad_norm(nets.G, fake.device)
    nets.opt_g.step()
    if nets.G_ema is not None:
        _update_ema(nets.G_ema, nets.G, cfg.ema)
    return loss_g, grad_norm


class _Outputs:
    """(3) What a run writes as it goes: metrics.jsonl lines (one per ``log_every`` steps, from sums
    kept on the device), TensorBoard, the progress bar, sample grids and the loss plot."""

    def __init__(self, cfg: TrainConfig, run_dir: Path, dist: distributed.DistInfo, start: int) -> None:
        self.cfg, self.run_dir, self.main = cfg, run_dir, dist.is_main
        self.file = open(run_dir / "metrics.jsonl" if dist.is_main else os.devnull, "a")  # noqa: SIM115 (close())
        self.writer = None
        if cfg.tensorboard and dist.is_main:
            from gandoctor.report.tensorboard import TensorBoardLog  # imports tensorboard: only when asked

            self.writer = TensorBoardLog(run_dir)
        self.bar = tqdm(total=cfg.steps, initial=start, unit="step", dynamic_ncols=True,
                        disable=cfg.quiet or not dist.is_main or not sys.stderr.isatty())
        self.t_start = self.t_window = time.perf_counter()
        self.images_in_window = 0
        self.notes: dict = {}  # one-off fields for the next line: the data range, a rollback

    def add(self, progress: _Progress, d: _DStep, loss_g: torch.Tensor, g_grad_norm: torch.Tensor) -> None:
        d_real, d_fake = d_output_mean(self.cfg.loss, d.real_out), d_output_mean(self.cfg.loss, d.fake_out)
        progress.window += torch.stack([d.loss, loss_g, d_real, d_fake, g_grad_norm, d.grad_norm]).detach()
        progress.window_steps += 1
        self.images_in_window += self.cfg.batch_size * self.cfg.d_steps
        self.bar.update(1)

    def line(self, progress: _Progress, nets: _Nets) -> dict:
        """Average the window over ranks, write it as one metrics.jsonl line, and start a new window."""
        means = distributed.all_mean(progress.window / progress.window_steps)  # one collective per log
        values = dict(zip(LOGGED, means.tolist(), strict=True))
        now = time.perf_counter()
        row = {"step": progress.step, **{k: round(v, 6) for k, v in values.items()},
               "lr_g": nets.opt_g.param_groups[0]["lr"], "lr_d": nets.opt_d.param_groups[0]["lr"],
               "img_per_s": round(self.images_in_window / max(now - self.t_window, 1e-9), 1),
               "time": round(progress.elapsed_before + now - self.t_start, 3), **self.notes}
        self.notes = {}
        self.file.write(json.dumps(row) + "\n")
        self.file.flush()
        if self.writer is not None:
            self.writer.metrics(row)
        self.bar.set_postfix(d=f"{values['d_loss']:.3f}", g=f"{values['g_loss']:.3f}",
                             img_s=f"{row['img_per_s']:.0f}")
        progress.window.zero_()
        progress.window_steps, self.images_in_window, self.t_window = 0, 0, time.perf_counter()
        return row

    def samples(self, step: int, grid: torch.Tensor) -> None:
        save_grid(grid, self.run_dir / "samples" / f"step_{step:06d}.png")
        if self.writer is not None:
            self.writer.samples(step, grid)
        plot_losses(read_jsonl(self.run_dir / "metrics.jsonl"), [], self.run_dir / "loss.png")

    def elapsed(self) -> float:
        return time.perf_counter() - self.t_start

    def close(self) -> None:
        self.bar.close()
        self.file.close()
        if self.writer is not None:
            self.writer.close()


def _train(
    cfg: TrainConfig, run_dir: Path, dist: distributed.DistInfo, resume: bool, overwrite: bool,
    rollback: TrainResult | None = None,
) -> TrainResult:
    # --- set-up: seeds, data, networks, and (with resume) the last checkpoint ---------------------
    device = dist.device
    torch.manual_seed(cfg.seed)
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    data = load_data(cfg.data, cfg.image_size)
    images = data.images.to(device)
    shape = tuple(images.shape[1:])
    if cfg.model == "dcgan" and shape[-1] not in (28, 32, 64):
        raise UsageError(f"--model dcgan needs 28, 32 or 64 pixel images; {cfg.data} gives {shape[-1]} "
                         "(set --image-size)")
    memory_format = _memory_format(cfg, device)
    nets = _build(cfg, shape, dist, memory_format)
    progress = _Progress(EpochSampler(len(images), cfg.batch_size, cfg.seed),
                         torch.randn(N_FIXED_SAMPLES, cfg.z_dim, device=device),
                         torch.zeros(len(LOGGED), device=device))
    if resume:
        progress = _restore(run_dir, cfg, nets, len(images), device, rollback)
        if dist.is_main:
            _truncate_jsonl(run_dir / "metrics.jsonl", progress.step)
            _truncate_jsonl(run_dir / "eval.jsonl", progress.step)
    elif dist.is_main:
        _prepare_fresh_run_dir(run_dir, overwrite)
    if dist.is_main:
        # d_output tells the report how to label the logged D(real)/D(fake): probabilities or raw scores
        d_output = "probability" if LOSSES[cfg.loss].probability else "raw"
        config = {**cfg.to_dict(), "d_output": d_output}
        write_atomic(run_dir / "config.json", json.dumps(config, indent=2) + "\n")
    start = progress.step
    batches = _RealBatches(cfg, images, dist, memory_format)

    def generate(n: int, noise: torch.Tensor | None = None) -> torch.Tensor:
        """n samples in [-1, 1] from the EMA generator if any, without touching the training RNG."""
        model = nets.G_ema if nets.G_ema is not None else nets.G
        model.eval()
        with torch.no_grad(), torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
            if noise is None:
                noise = torch.randn(n, cfg.z_dim, device=device)
            out = torch.cat([model(noise[i:i + 256]) for i in range(0, n, 256)])
        model.train()
        return out

    quiet = cfg.quiet or not dist.is_main  # under torchrun, rank 0 speaks for all
    say = (lambda *a: None) if quiet else (lambda msg: print(f"gandoctor train: {msg}", file=sys.stderr))
    outputs = _Outputs(cfg, run_dir, dist, start)
    if start == 0:  # peek at the range fed to D (logged in the first line), then rewind the sampler
        first_batch = batches.next(progress.sampler)
        outputs.notes.update(data_min=float(first_batch.min()), data_max=float(first_batch.max()))
        progress.sampler = EpochSampler(len(images), cfg.batch_size, cfg.seed)
    if rollback is not None:
        outputs.notes["rollback_from"] = rollback.non_finite_step
    say(f"{data.source}: {len(images)} images {tuple(shape)}"
        + (f", range fed to D [{outputs.notes['data_min']:.2f}, {outputs.notes['data_max']:.2f}]"
           if "data_min" in outputs.notes else "")
        + f"; {cfg.model}/{cfg.loss} on {device}; run dir {run_dir}")
    say(f"recipe {cfg.recipe_line()}")

    autocast = _autocast(cfg, device)
    evaluate = metrics_evaluate if cfg.eval_every else None
    stop_requested = _StopFlag()  # Ctrl-C: finish the step, save, stop
    result = TrainResult(run_dir=run_dir, step=start)

    def save() -> None:
        state = _checkpoint_state(cfg, shape, nets, progress, outputs.elapsed())
        save_checkpoint(run_dir, progress.step, state, keep=cfg.keep)

    # --- the loop: D step(s), G step, then logging, samples, evaluation, checkpoints -------------
    try:
        with _open_doctor(cfg, nets.G, nets.D) as doctor:
            for step in range(start + 1, cfg.steps + 1):
                progress.step = step
                d = _discriminator_step(cfg, nets, batches, progress, dist, autocast)
                loss_g, g_grad_norm = _generator_step(cfg, nets, d.fake, autocast)
                outputs.add(progress, d, loss_g, g_grad_norm)
                last_step = step == cfg.steps or stop_requested.is_set()
                # NaN/Inf: checked only where the loop reads back anyway (log and checkpoint steps),
                # before anything is written, so no checkpoint ever holds a blown-up model.
                if (step % cfg.log_every == 0 or step % cfg.ckpt_every == 0 or last_step) and \
                        distributed.any_rank(not bool(torch.isfinite(progress.window).all()), device):
                    result.non_finite_step = step
                    result.lr_at_stop = (nets.opt_g.param_groups[0]["lr"], nets.opt_d.param_groups[0]["lr"])
                    if dist.is_main:
                        action = "rolling back to the last good checkpoint" if cfg.on_nan == "rollback" \
                            else "stopped (--on-nan rollback would return to the last good checkpoint)"
                        print(f"gandoctor train: losses or gradients became NaN/Inf by step {step}; {action}",
                              file=sys.stderr)
                    break
                if step % cfg.log_every == 0 or last_step:
                    result.last = outputs.line(progress, nets)
                if dist.is_main and (step % cfg.sample_every == 0 or last_step):
                    outputs.samples(step, generate(N_FIXED_SAMPLES, progress.fixed_noise))
                if evaluate is not None and dist.is_main and (step % cfg.eval_every == 0 or last_step):
                    res = evaluate(generate, cfg.data, device=device)
                    with open(run_dir / "eval.jsonl", "a") as f:
                        f.write(json.dumps({"step": step, **res.values}) + "\n")
                    if doctor is not None:
                        doctor.record_metric(step, res.values)
                    if outputs.writer is not None:
                        outputs.writer.evaluation(step, res.values)
                    score = res.values[res.primary]
                    if progress.best is None or (score < progress.best if res.lower_is_better
                                                 else score > progress.best):
                        progress.best = score
                        save_best(run_dir, _checkpoint_state(cfg, shape, nets, progress, outputs.elapsed()))
                if dist.is_main and (step % cfg.ckpt_every == 0 or last_step):
                    save()
                if stop_requested.is_set():
                    result.interrupted = True
                    say(f"interrupted: checkpoint saved at step {step}; continue with --resume {run_dir}")
                    break
        if doctor is not None:
            result.findings = distributed.gather_findings(doctor.to_json())  # rank 0 gets all ranks'
            result.doctor_report = doctor.report()
        if result.findings is not None and dist.is_main:
            write_atomic(run_dir / "findings.json", json.dumps(result.findings, indent=2) + "\n")
            if outputs.writer is not None:
                outputs.writer.findings(result.findings)
    finally:
        outputs.close()
        stop_requested.restore()
    result.step = progress.step
    say(f"{'stopped' if result.interrupted else 'done'} at step {progress.step}: samples in "
        f"{run_dir / 'samples'}, curves in {run_dir / 'loss.png'}")
    return result


def _grad_norm(module: nn.Module, device: torch.device) -> torch.Tensor:
    """L2 norm of all of a module's gradients (0 when none arrived, as with a detached fake)."""
    grads = [p.grad for p in module.parameters() if p.grad is not None]
    if not grads:
        return torch.zeros((), device=device)
    return torch.nn.utils.get_total_norm(grads).to(device)


@torch.no_grad()
def _update_ema(ema: nn.Module, model: nn.Module, decay: float) -> None:
    for p_ema, p in zip(ema.parameters(), model.parameters(), strict=True):
        p_ema.lerp_(p, 1.0 - decay)
    for b_ema, b in zip(ema.buffers(), model.buffers(), strict=True):
        b_ema.copy_(b)


def _prepare_fresh_run_dir(run_dir: Path, overwrite: bool) -> None:
    """Never silently mix two runs: an existing run is only replaced when asked to."""
    old_files = [run_dir / "metrics.jsonl", run_dir / "eval.jsonl", run_dir / "findings.json"]
    has_run = (run_dir / "checkpoints").is_dir() or any(p.exists() for p in old_files)
    if has_run and not overwrite:
        raise UsageError(f"{run_dir} already holds a run; continue it with --resume {run_dir}, "
                         "replace it with --overwrite, or pick another --run-dir")
    if has_run:
        import shutil

        for sub in ("checkpoints", "samples", "tensorboard"):
            shutil.rmtree(run_dir / sub, ignore_errors=True)
        for path in [*old_files, run_dir / "loss.png"]:
            path.unlink(missing_ok=True)
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create run dir {run_dir}: {exc.strerror}") from None


def _truncate_jsonl(path: Path, last_step: int) -> None:
    """Drop lines logged after the checkpoint we resume from, so no step appears twice.

    A line cut short by ``kill -9`` is dropped too, and the file is replaced atomically, so a kill
    during this rewrite cannot lose the lines before it.
    """
    if path.exists():
        steps = [(_step_of(ln), ln) for ln in path.read_text().splitlines()]
        kept = [ln for step, ln in steps if step is not None and step <= last_step]
        write_atomic(path, "".join(ln + "\n" for ln in kept))


def _step_of(line: str) -> int | None:
    """The step of one JSON line, or None when the line is blank or half-written."""
    try:
        return int(json.loads(line).get("step", 0))
    except (ValueError, AttributeError, TypeError):
        return None


class _StopFlag:
    """Set by the first Ctrl-C; the loop finishes its step, saves and stops. A second Ctrl-C aborts."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._previous = None
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._on_sigint)

    def _on_sigint(self, signum, frame) -> None:
        self._event.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    def is_set(self) -> bool:
        return self._event.is_set()

    def restore(self) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def _open_doctor(cfg: TrainConfig, G: nn.Module, D: nn.Module):
    """The doctor's hook point: ``gandoctor.watch`` around the whole loop, unless --no-doctor."""
    return watch(generator=G, discriminator=D) if cfg.doctor else contextlib.nullcontext(None)


def _write_report(run_dir: Path, quiet: bool) -> None:
    """The HTML report at the end of every run. A failure here never costs the run: one warning line."""
    try:
        paths = write_report(run_dir)
    except Exception as exc:  # noqa: BLE001 (the run's files are safe; only the report is missing)
        print(f"gandoctor train: warning: the report could not be written ({type(exc).__name__}: {exc}); "
              f"try gandoctor report {run_dir}", file=sys.stderr)
        return
    if not quiet:
        print(f"gandoctor train: report in {paths[0]}", file=sys.stderr)


def _autocast(cfg: TrainConfig, device: torch.device):
    """bf16 autocast for the forward passes: on by default on CUDA, where it is ~2x faster; off on the CPU.

    Losses, gradients and optimizer state stay in float32 (outputs are cast back before the loss).
    """
    on = cfg.amp == "on" or (cfg.amp == "auto" and device.type == "cuda")
    if not on:
        return contextlib.nullcontext
    return lambda: torch.autocast(device_type=device.type, dtype=torch.bfloat16)


def _memory_format(cfg: TrainConfig, device: torch.device) -> torch.memory_format:
    """channels_last (NHWC) for the DCGAN's convolutions on CUDA, where cuDNN's fast kernels want it."""
    on = cfg.channels_last == "on" or (cfg.channels_last == "auto" and device.type == "cuda")
    return torch.channels_last if on and cfg.model == "dcgan" else torch.contiguous_format
