"""The training loop: D step(s), G step, logging, samples, checkpoints. Read it top to bottom.

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
from gandoctor.metrics import evaluate as metrics_evaluate
from gandoctor.report import write_report
from gandoctor.report.plots import plot_losses
from gandoctor.report.run_files import read_jsonl
from gandoctor.train import distributed
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
from gandoctor.train.losses import d_output_mean, discriminator_loss, generator_loss, gradient_penalty
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
                (run_dir / "findings.json").write_text(json.dumps(result.findings, indent=2) + "\n")
        if dist.is_main and cfg.report:
            _write_report(run_dir, cfg.quiet)
        return result
    finally:
        torch.set_num_threads(threads_before)
        distributed.teardown()


def _train(
    cfg: TrainConfig, run_dir: Path, dist: distributed.DistInfo, resume: bool, overwrite: bool,
    rollback: TrainResult | None = None,
) -> TrainResult:
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
    G, D = build_models(cfg, shape)
    memory_format = _memory_format(cfg, device)
    G, D = G.to(device, memory_format=memory_format), D.to(device, memory_format=memory_format)
    G_ema = copy.deepcopy(G).requires_grad_(False) if cfg.ema > 0 else None
    opt_g = torch.optim.Adam(G.parameters(), lr=cfg.lr_g, betas=(cfg.beta1, cfg.beta2))
    opt_d = torch.optim.Adam(D.parameters(), lr=cfg.lr_d, betas=(cfg.beta1, cfg.beta2))
    fixed_noise = torch.randn(N_FIXED_SAMPLES, cfg.z_dim, device=device)
    sampler = EpochSampler(len(images), cfg.batch_size, cfg.seed)
    window = torch.zeros(len(LOGGED), device=device)  # sums of the logged scalars since the last log line
    window_steps, start, elapsed_before, best = 0, 0, 0.0, None

    if resume:
        state = load_latest(run_dir)
        if state is None:
            raise UsageError(f"no checkpoint to resume from in {run_dir / 'checkpoints'}")
        start, best, elapsed_before = int(state["step"]), state.get("best"), float(state.get("time", 0.0))
        G.load_state_dict(state["G"])
        D.load_state_dict(state["D"])
        if G_ema is not None and "G_ema" in state:
            G_ema.load_state_dict(state["G_ema"])
        opt_g.load_state_dict(state["opt_g"])
        opt_d.load_state_dict(state["opt_d"])
        if rollback is not None:  # --on-nan rollback: halve the learning rates that blew up
            for opt, lr in zip((opt_g, opt_d), rollback.lr_at_stop, strict=True):
                for group in opt.param_groups:
                    group["lr"] = min(group["lr"], lr) * ROLLBACK_LR_FACTOR
        sampler = EpochSampler(len(images), cfg.batch_size, cfg.seed, **state["sampler"])
        fixed_noise = state["fixed_noise"].to(device)
        window, window_steps = state["window"].to(device), int(state["window_steps"])
        restore_rng(state["rng"])
        if dist.is_main:
            _truncate_jsonl(run_dir / "metrics.jsonl", start)
            _truncate_jsonl(run_dir / "eval.jsonl", start)
    elif dist.is_main:
        _prepare_fresh_run_dir(run_dir, overwrite)
    if dist.is_main:
        (run_dir / "config.json").write_text(json.dumps(cfg.to_dict(), indent=2) + "\n")

    def next_real_batch() -> torch.Tensor:
        real = images[dist.shard(sampler.next_indices()).to(device)].float()
        if cfg.bug == "unscaled-data":  # noqa: SIM108 (kept as a block so the mistake has its own line)
            real = real / 255.0  # founding mistake (report 1): [0, 1] data for a tanh generator
        else:
            real = real / 127.5 - 1.0  # [-1, 1], the range of G's tanh output
        return real.contiguous(memory_format=memory_format) if real.dim() == 4 else real

    def generate(n: int, noise: torch.Tensor | None = None) -> torch.Tensor:
        """n samples in [-1, 1] from the EMA generator if any, without touching the training RNG."""
        model = G_ema if G_ema is not None else G
        model.eval()
        with torch.no_grad(), torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
            if noise is None:
                noise = torch.randn(n, cfg.z_dim, device=device)
            out = torch.cat([model(noise[i:i + 256]) for i in range(0, n, 256)])
        model.train()
        return out

    def state_now() -> dict:
        """Everything --resume needs, as tensors and plain values (loadable with weights_only=True)."""
        state = {"step": step, "config": cfg.to_dict(), "image_shape": list(shape),
                 "G": G.state_dict(), "D": D.state_dict(),
                 "opt_g": opt_g.state_dict(), "opt_d": opt_d.state_dict(), "rng": capture_rng(),
                 "sampler": sampler.state_dict(), "fixed_noise": fixed_noise.cpu(), "window": window.cpu(),
                 "window_steps": window_steps, "best": best,
                 "time": elapsed_before + time.perf_counter() - t_start}
        if G_ema is not None:
            state["G_ema"] = G_ema.state_dict()
        return state

    quiet = cfg.quiet or not dist.is_main  # under torchrun, rank 0 speaks for all
    say = (lambda *a: None) if quiet else (lambda msg: print(f"gandoctor train: {msg}", file=sys.stderr))
    first_batch = next_real_batch() if start == 0 else None  # peek at the range, then rewind the sampler
    data_range = (float(first_batch.min()), float(first_batch.max())) if first_batch is not None else None
    rollback_note = rollback.non_finite_step if rollback is not None else None  # for the next log line
    if start == 0:
        sampler = EpochSampler(len(images), cfg.batch_size, cfg.seed)
    say(f"{data.source}: {len(images)} images {tuple(shape)}"
        + (f", range fed to D [{data_range[0]:.2f}, {data_range[1]:.2f}]" if data_range else "")
        + f"; {cfg.model}/{cfg.loss} on {device}; run dir {run_dir}")

    # The modules the step runs: DDP around G and D under torchrun, G and D themselves otherwise.
    # G and D stay unwrapped for state_dict, sampling and the doctor (DDP shares their parameters).
    G_train, D_train = distributed.wrap(G, dist, cfg.sync_bn), distributed.wrap(D, dist, cfg.sync_bn)
    autocast = _autocast(cfg, device)
    if cfg.compile:  # optional: a slow first step (compiling), then faster steps on long runs
        G_train, D_train = torch.compile(G_train), torch.compile(D_train)
    evaluate = metrics_evaluate if cfg.eval_every else None
    stop_requested = _StopFlag()  # Ctrl-C: finish the step, save, stop
    metrics_file = open(run_dir / "metrics.jsonl" if dist.is_main else os.devnull, "a")  # noqa: SIM115 (closed in finally)
    writer = None
    if cfg.tensorboard and dist.is_main:
        from gandoctor.report.tensorboard import TensorBoardLog  # imports tensorboard: only when asked

        writer = TensorBoardLog(run_dir)
    bar = tqdm(total=cfg.steps, initial=start, unit="step", dynamic_ncols=True,
               disable=cfg.quiet or not dist.is_main or not sys.stderr.isatty())
    result = TrainResult(run_dir=run_dir, step=start)
    t_start, t_window, images_in_window = time.perf_counter(), time.perf_counter(), 0
    step = start
    try:
        with _open_doctor(cfg, G, D) as doctor:
            for step in range(start + 1, cfg.steps + 1):
                # (1) Discriminator: real batch up, fake batch down.
                for _ in range(cfg.d_steps):
                    real = next_real_batch()
                    with autocast():
                        fake = G_train(dist.shard(torch.randn(cfg.batch_size, cfg.z_dim, device=device)))
                        d_real_out, d_fake_out = D_train(real).float(), D_train(fake.detach()).float()
                    loss_d = discriminator_loss(cfg.loss, d_real_out, d_fake_out, cfg.label_smoothing)
                    if cfg.loss == "wgan-gp":
                        loss_d = loss_d + cfg.gp_weight * gradient_penalty(D_train, real, fake)
                    opt_d.zero_grad(set_to_none=True)
                    loss_d.backward()
                    d_grad_norm = _grad_norm(D, device)
                    opt_d.step()

                # (2) Generator: make D call the fakes real.
                with autocast():
                    if cfg.bug == "detach-generator":  # noqa: SIM108
                        d_on_fake = D_train(fake.detach())  # founding mistake (report 1): no gradient to G
                    else:
                        d_on_fake = D_train(fake)
                d_on_fake = d_on_fake.float()
                loss_g = generator_loss(cfg.loss, d_on_fake)
                opt_g.zero_grad(set_to_none=True)
                loss_g.backward()
                g_grad_norm = _grad_norm(G, device)
                opt_g.step()
                if G_ema is not None:
                    _update_ema(G_ema, G, cfg.ema)

                # (3) Bookkeeping, on the device; read back only every log_every steps.
                d_real, d_fake = d_output_mean(cfg.loss, d_real_out), d_output_mean(cfg.loss, d_fake_out)
                window += torch.stack([loss_d, loss_g, d_real, d_fake, g_grad_norm, d_grad_norm]).detach()
                window_steps += 1
                images_in_window += cfg.batch_size * cfg.d_steps
                bar.update(1)
                last_step = step == cfg.steps or stop_requested.is_set()
                # (4) NaN/Inf: checked only where the loop reads back anyway (log and checkpoint steps),
                # before anything is written, so no checkpoint ever holds a blown-up model.
                if (step % cfg.log_every == 0 or step % cfg.ckpt_every == 0 or last_step) and \
                        distributed.any_rank(not bool(torch.isfinite(window).all()), device):
                    result.non_finite_step = step
                    result.lr_at_stop = (opt_g.param_groups[0]["lr"], opt_d.param_groups[0]["lr"])
                    if dist.is_main:
                        action = "rolling back to the last good checkpoint" if cfg.on_nan == "rollback" \
                            else "stopped (--on-nan rollback would return to the last good checkpoint)"
                        print(f"gandoctor train: losses or gradients became NaN/Inf by step {step}; {action}",
                              file=sys.stderr)
                    break

                if step % cfg.log_every == 0 or last_step:
                    means = distributed.all_mean(window / window_steps)  # over ranks: one collective per log
                    values = dict(zip(LOGGED, means.tolist(), strict=True))
                    now = time.perf_counter()
                    row = {"step": step, **{k: round(v, 6) for k, v in values.items()},
                           "lr_g": opt_g.param_groups[0]["lr"], "lr_d": opt_d.param_groups[0]["lr"],
                           "img_per_s": round(images_in_window / max(now - t_window, 1e-9), 1),
                           "time": round(elapsed_before + now - t_start, 3)}
                    if data_range is not None:
                        row["data_min"], row["data_max"] = data_range
                        data_range = None
                    if rollback_note is not None:
                        row["rollback_from"], rollback_note = rollback_note, None
                    metrics_file.write(json.dumps(row) + "\n")
                    metrics_file.flush()
                    if writer is not None:
                        writer.metrics(row)
                    bar.set_postfix(d=f"{values['d_loss']:.3f}", g=f"{values['g_loss']:.3f}",
                                    img_s=f"{row['img_per_s']:.0f}")
                    result.last = row
                    window.zero_()
                    window_steps, images_in_window, t_window = 0, 0, time.perf_counter()

                if dist.is_main and (step % cfg.sample_every == 0 or last_step):
                    grid = generate(N_FIXED_SAMPLES, fixed_noise)
                    save_grid(grid, run_dir / "samples" / f"step_{step:06d}.png")
                    if writer is not None:
                        writer.samples(step, grid)
                    plot_losses(read_jsonl(run_dir / "metrics.jsonl"), [], run_dir / "loss.png")

                if evaluate is not None and dist.is_main and (step % cfg.eval_every == 0 or last_step):
                    res = evaluate(generate, cfg.data, device=device)
                    with open(run_dir / "eval.jsonl", "a") as f:
                        f.write(json.dumps({"step": step, **res.values}) + "\n")
                    if doctor is not None:
                        doctor.record_metric(step, res.values)
                    if writer is not None:
                        writer.evaluation(step, res.values)
                    score = res.values[res.primary]
                    if best is None or (score < best if res.lower_is_better else score > best):
                        best = score
                        save_best(run_dir, state_now())

                if dist.is_main and (step % cfg.ckpt_every == 0 or last_step):
                    save_checkpoint(run_dir, step, state_now(), keep=cfg.keep)
                if stop_requested.is_set():
                    result.interrupted = True
                    say(f"interrupted: checkpoint saved at step {step}; continue with --resume {run_dir}")
                    break
        if doctor is not None:
            result.findings = distributed.gather_findings(doctor.to_json())  # rank 0 gets all ranks'
            result.doctor_report = doctor.report()
        if result.findings is not None and dist.is_main:
            (run_dir / "findings.json").write_text(json.dumps(result.findings, indent=2) + "\n")
            if writer is not None:
                writer.findings(result.findings)
    finally:
        bar.close()
        metrics_file.close()
        if writer is not None:
            writer.close()
        stop_requested.restore()
    result.step = step
    say(f"{'stopped' if result.interrupted else 'done'} at step {step}: samples in {run_dir / 'samples'}, "
        f"curves in {run_dir / 'loss.png'}")
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
        temp = path.with_name(path.name + ".tmp")
        temp.write_text("".join(ln + "\n" for ln in kept))
        os.replace(temp, path)


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
