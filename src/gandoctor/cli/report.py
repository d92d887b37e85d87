"""`gandoctor report RUN_DIR`: plots under RUN_DIR/plots/ and report.html / report.zh.html."""

from __future__ import annotations

import argparse
from pathlib import Path

from gandoctor.errors import UsageError


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("report", help="write the HTML report (en + zh) and PNG plots of a run")
    p.add_argument(
        "run_dir", metavar="RUN_DIR", help="a folder written by 'gandoctor train' or 'gandoctor run'"
    )
    p.add_argument(
        "--lang", choices=["both", "en", "zh"], default="both", help="report language (default both)"
    )
    return p


def run(args: argparse.Namespace) -> int:
    from gandoctor.report import write_report
    from gandoctor.report.run_files import read_run

    run_dir = Path(args.run_dir)
    if not run_dir.is_dir():
        raise UsageError(f"run folder not found: {run_dir}")
    if read_run(run_dir).empty:
        raise UsageError(
            f"{run_dir} holds no run files (metrics.jsonl, eval.jsonl, findings.json, samples/)"
        )
    try:
        pages = write_report(run_dir, lang=args.lang)
    except OSError as exc:
        raise UsageError(f"cannot write the report into {run_dir}: {exc.strerror}") from None
    for page in pages:
        print(f"wrote {page}")
    print(f"plots in {run_dir / 'plots'}")
    return 0
