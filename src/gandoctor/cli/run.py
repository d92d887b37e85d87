"""`gandoctor run [--max-steps N] [--json FILE] [--lang en|zh] [--] SCRIPT [ARGS...]`.

Runs a PyTorch GAN training script unchanged with the doctor attached and prints its findings,
most likely root cause first. Exit code 0: no error finding; 1: error findings; 2: usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from gandoctor.errors import UsageError


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("run", help="run a GAN training script with the doctor attached")
    p.add_argument("--max-steps", type=int, default=200,
                   help="stop after N optimizer steps, all optimizers together (0: run to the end)")
    p.add_argument("--json", metavar="FILE", help="also write the findings as JSON to FILE")
    p.add_argument("--lang", choices=["en", "zh"], default="en", help="language of the report")
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

    from gandoctor.doctor.runner import run_script

    try:
        doctor = run_script(args.script, script_args, args.max_steps or None, args.lang)
    except Exception as exc:  # the doctor itself failed: one line, exit 2
        raise UsageError(f"the doctor failed: {type(exc).__name__}: {exc}") from exc
    sys.stdout.flush()
    print("\n" + doctor.report(args.lang))
    if args.json:
        tmp = args.json + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(doctor.to_json(args.lang), f, indent=2, ensure_ascii=False)
        os.replace(tmp, args.json)
    return 1 if doctor.has_errors else 0
