"""`gandoctor train`: train a GAN that converges (or reproduce a founding bug with --bug).

Each option is made from a ``TrainConfig`` field (train/config.py holds the help text and defaults,
once). Options default to None here so that
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
    from gandoctor.train.config import TrainConfig

    p = sub.add_parser("train", help="train a GAN (MLP or DCGAN) that converges",
                       description="Train a GAN. Defaults: the MLP GAN on scikit-learn's digits, which "
                                   "converges on a CPU in about a minute.")
    for f in dataclasses.fields(TrainConfig):
        _add_option(p, f)
    p.add_argument("--resume", metavar="RUN_DIR", help="continue the run in RUN_DIR exactly where it stopped")
    p.add_argument("--overwrite", action="store_true", help="replace an existing run in the run folder")
    return p


def _add_option(p: argparse.ArgumentParser, f: dataclasses.Field) -> None:
    """One option per TrainConfig field: its type, default, help and choices come from the field.

    The option's own default is None, so that --resume can tell what was given; the help shows the
    field's default (or, for a field the model's recipe sets, each model's value). Choices are listed
    but checked by ``TrainConfig.validate`` (one message for the CLI and the Python API alike).
    """
    from gandoctor.train.config import RECIPES

    default = f.default_factory() if f.default is dataclasses.MISSING else f.default
    choices = f.metadata.get("choices")
    kind = f.type.removesuffix(" | None")
    flag = f"--{f.name.replace('_', '-')}"
    if default is None:
        shown = ", ".join(f"{model}: {_shown(recipe[f.name])}" for model, recipe in RECIPES.items())
    else:
        shown = _shown(default)
    help_text = f.metadata.get("help", "") + (f" (default: {shown})" if shown else "")
    if kind == "bool":
        p.add_argument(flag, dest=f.name, action=argparse.BooleanOptionalAction, default=None,
                       help=help_text)
        return
    convert = {"int": int, "float": float, "str": str, "list[int]": _widths}[kind]
    metavar = "{" + ",".join(choices) + "}" if choices else f.name.upper()
    p.add_argument(flag, dest=f.name, type=convert, default=None, metavar=metavar,
                   help=help_text.replace("%", "%%"))


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ",".join(map(str, value))
    return str(value)


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
