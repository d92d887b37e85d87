"""`gandoctor run [--max-steps N] [--json FILE] [--lang en|zh] [--run-dir DIR | --no-report]
[--generator EXPR --discriminator EXPR] SCRIPT ...`.

Runs a PyTorch GAN training script unchanged with the doctor attached and prints its findings,
most likely root cause first, then writes a run directory (findings.json, metrics.jsonl, the HTML
report). Exit code 0: no error finding; 1: error findings; 2: usage error or a failure of the doctor
itself (doctor-internal-error, its traceback in the JSON). A failure while writing
the report is one warning line and never changes the exit code.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from gandoctor.errors import UsageError
from gandoctor.files import write_atomic

if TYPE_CHECKING:
    from gandoctor.doctor.api import Doctor


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("run", help="run a GAN training script with the doctor attached")
    p.add_argument("--max-steps", type=int, default=200,
                   help="stop after N optimizer steps, all optimizers together (0: run to the end)")
    p.add_argument("--json", metavar="FILE", help="also write the findings as JSON to FILE")
    p.add_argument("--lang", choices=["en", "zh"], default="en", help="language of the report")
    p.add_argument("--run-dir", metavar="DIR",
                   help="where to write findings.json, metrics.jsonl and the report "
                        "(default: runs/doctor-<script name>)")
    p.add_argument("--no-report", action="store_true", help="write no run directory and no report")
    p.add_argument("--generator", metavar="EXPR",
                   help="the generator, as an expression in the script (e.g. netG, model.generator); "
                        "with --discriminator, names the roles instead of inferring them")
    p.add_argument("--discriminator", metavar="EXPR",
                   help="the discriminator, as an expression in the script")
    p.add_argument("script", metavar="SCRIPT", help="the training script")
    p.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS", help="arguments passed to the script")
    return p


def run(args: argparse.Namespace) -> int:
    if args.max_steps < 0:
        raise UsageError(f"--max-steps must be 0 or more, got {args.max_steps}")
    script_args = list(args.args)
    if script_args[:1] == ["--"]:
        script_args = script_args[1:]
    if not os.path.isfile(args.script):
        raise UsageError(f"script not found: {args.script}")
    if args.json:
        folder = os.path.dirname(os.path.abspath(args.json))
        if not os.path.isdir(folder):
            raise UsageError(f"folder for --json does not exist: {folder}")
    run_dir = None if args.no_report else _run_dir(args.run_dir, args.script)

    from gandoctor.doctor.runner import run_script

    try:
        doctor = run_script(args.script, script_args, args.max_steps or None, args.lang,
                            named=(args.generator, args.discriminator))
    except Exception as exc:  # the doctor itself failed: one line, exit 2
        raise UsageError(f"the doctor failed: {type(exc).__name__}: {exc}") from exc
    sys.stdout.flush()
    print("\n" + doctor.report(args.lang))
    if args.json:
        write_atomic(args.json, json.dumps(doctor.to_json(args.lang), indent=2, ensure_ascii=False))
    if run_dir is not None:
        _write_report(run_dir, doctor, args.lang)
    if doctor.failed:
        return 2
    return 1 if doctor.has_errors else 0


def _run_dir(option: str | None, script: str) -> Path:
    """The run directory, checked before the script runs so that bad input costs no training time."""
    run_dir = Path(option) if option else Path("runs") / f"doctor-{Path(script).stem}"
    if run_dir.exists() and not run_dir.is_dir():
        raise UsageError(f"--run-dir is a file, not a folder: {run_dir}")
    if (run_dir / "config.json").exists():
        raise UsageError(f"{run_dir} holds a training run (config.json); choose another --run-dir")
    return run_dir


def _write_report(run_dir: Path, doctor: Doctor, lang: str) -> None:
    """findings.json, metrics.jsonl and the report; any failure is one warning line."""
    from gandoctor.doctor.run_dir import write_run_dir

    try:
        write_run_dir(run_dir, doctor.to_json(lang), doctor.run)
        from gandoctor.report import write_report

        paths = write_report(run_dir, lang=lang)
    except Exception as exc:  # the findings are printed already; the report is a bonus
        message = f"{type(exc).__name__}: {exc}".splitlines()[0]
        print(f"warning: could not write the report in {run_dir}: {message}", file=sys.stderr)
        return
    print(f"report: {paths[0] if paths else run_dir}")
