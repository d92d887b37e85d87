"""`gandoctor train`: train a GAN that converges (or reproduce a founding bug with --bug).

Each option maps 1:1 onto a ``TrainConfig`` field. Options default to None here so that
``--resume RUN_DIR`` can tell which ones the user actually gave (only --steps, --device, --quiet and
the intervals may change on resume; the rest come from the run's config.json).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from gandoctor.errors import UsageError

CHANGEABLE_ON_RESUME = {"steps", "device", "quiet", "log_every", "sample_every", "ckpt_every", "eval_every",
                        "keep", "doctor", "tensorboard", "threads", "on_nan", "report", "amp"}


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from gandoctor.train.bugs import BUGS
    from gandoctor.train.config import LOSSES, MODELS

    p = sub.add_parser("train", help="train a GAN (MLP or DCGAN) that converges",
                       description="Train a GAN. Defaults: the MLP GAN on scikit-learn's digits, which "
                                   "converges on a CPU in about a minute.")
    a = p.add_argument
    a("--data", help="digits (default) | mnist | mnist:DIR (IDX files) | a folder of images")
    a("--image-size", type=int, help="resize images to this size (folders default to 64)")
    a("--model", help=f"{' | '.join(MODELS)} (default mlp)")
    a("--loss", help=f"{' | '.join(LOSSES)} (default bce, non-saturating)")
    a("--z-dim", type=int, help="noise dimension (default 100)")
    a("--hidden", type=_widths, help="MLP hidden widths, comma-separated (default 256,256)")
    a("--ngf", type=int, help="DCGAN generator width (default 64)")
    a("--ndf", type=int, help="DCGAN discriminator width (default 64)")
    a("--lr-g", type=float, help="generator learning rate (default 2e-4)")
    a("--lr-d", type=float, help="discriminator learning rate (default 2e-4)")
    a("--beta1", type=float, help="Adam beta1 (default 0.5)")
    a("--beta2", type=float, help="Adam beta2 (default 0.999)")
    a("--batch-size", type=int, help="batch size (default 64)")
    a("--d-steps", type=int, help="critic steps per generator step (default 1)")
    a("--gp-weight", type=float, help="WGAN-GP penalty weight (default 10)")
    a("--spectral-norm", action="store_true", default=None, help="spectral norm in D")
    a("--label-smoothing", type=float, help="one-sided: real labels become 1 - this (BCE)")
    a("--ema", type=float, help="decay of an EMA copy of G used for samples, e.g. 0.999 (default off)")
    a("--steps", type=int, help="generator steps in the run (default 2000)")
    a("--seed", type=int, help="random seed (default 0)")
    a("--run-dir", help="run folder (default runs/<name>)")
    a("--name", help="run name for the default run folder")
    a("--log-every", type=int, help="steps per metrics.jsonl line (default 20)")
    a("--sample-every", type=int, help="steps per sample grid (default 500)")
    a("--ckpt-every", type=int, help="steps per checkpoint (default 500)")
    a("--eval-every", type=int, help="steps per evaluation, keeps best.pt (default off)")
    a("--keep", type=int, help="checkpoints kept (default 3)")
    a("--device", help="auto (cuda, mps, cpu) | cpu | cuda[:N] | mps")
    a("--threads", type=int, help="CPU threads (default: 1 for the MLP, torch's default for the DCGAN)")
    a("--sync-bn", action="store_true", default=None,
      help="under torchrun: SyncBatchNorm, batch statistics over all processes")
    a("--compile", action="store_true", default=None,
      help="torch.compile G and D (slow start; for long GPU runs; needs --no-doctor)")
    a("--amp", choices=["auto", "on", "off"],
      help="bf16 autocast for the forward passes (default auto: on for CUDA, off on the CPU)")
    a("--channels-last", choices=["auto", "on", "off"],
      help="NHWC memory format for the DCGAN (default auto: on for CUDA)")
    a("--on-nan", choices=["stop", "rollback"], help="on a NaN/Inf loss: stop (default), or roll back to "
      "the last good checkpoint with half the learning rates")
    a("--bug", help=f"reproduce a founding mistake: {', '.join(BUGS)}")
    a("--no-doctor", dest="doctor", action="store_false", default=None, help="do not attach the doctor")
    a("--quiet", action="store_true", default=None, help="no progress bar or messages")
    a("--tensorboard", action="store_true", default=None, help="also write TensorBoard logs")
    a("--no-report", dest="report", action="store_false", default=None,
      help="do not write the HTML report at the end (gandoctor report RUN_DIR writes it later)")
    a("--resume", metavar="RUN_DIR", help="continue the run in RUN_DIR exactly where it stopped")
    a("--overwrite", action="store_true", help="replace an existing run in the run folder")
    return p


def _widths(text: str) -> list[int]:
    try:
        return [int(w) for w in text.split(",") if w.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from None


def config_from_args(args: argparse.Namespace):
    """TrainConfig from the options given (and, with --resume, from the run's config.json)."""
    from gandoctor.train.config import TrainConfig

    given = {f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig)
             if getattr(args, f.name, None) is not None}
    if not args.resume:
        return TrainConfig(**given)
    run_dir = Path(args.resume)
    config_path = run_dir / "config.json"
    if not config_path.is_file():
        raise UsageError(f"--resume {run_dir}: no config.json there (is it a run folder?)")
    try:
        saved = json.loads(config_path.read_text())
    except (OSError, ValueError) as exc:
        raise UsageError(f"--resume {run_dir}: config.json is unreadable ({exc})") from None
    fixed = sorted(k for k in given if k not in CHANGEABLE_ON_RESUME and given[k] != saved.get(k))
    if fixed:
        raise UsageError(f"--resume keeps the run's settings; cannot change {', '.join(fixed)}")
    cfg = TrainConfig.from_dict({**saved, **given})
    cfg.run_dir = str(run_dir)
    return cfg


def run(args: argparse.Namespace) -> int:
    from gandoctor.train.loop import train

    cfg = config_from_args(args)
    result = train(cfg, resume=bool(args.resume), overwrite=args.overwrite)
    if result.non_finite_step is not None:
        return 1  # the reason is already on stderr
    return 130 if result.interrupted else 0
