"""The `gandoctor` command line.

Each subcommand is one module in this package with two functions:
``add_parser(subparsers)`` declares its options and ``run(args) -> int`` does the work.
Adding a subcommand means adding a module and its name to ``COMMANDS``; nothing else changes.
Modules import torch inside ``run`` so that ``gandoctor --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from gandoctor.errors import UsageError

COMMANDS = ["train", "sample", "run", "report", "eval", "demo"]


class _Parser(argparse.ArgumentParser):
    """argparse prints usage plus the error; we print the error on one line and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: error: {message} (see '{self.prog} --help')", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gandoctor", description="GAN training that converges, and a doctor for yours.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMANDS:
        module = importlib.import_module(f"gandoctor.cli.{name}")
        sub_parser = module.add_parser(sub)
        sub_parser.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except UsageError as exc:
        print(f"gandoctor {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"gandoctor {args.command}: interrupted", file=sys.stderr)
        return 130
