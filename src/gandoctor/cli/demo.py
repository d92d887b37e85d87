"""`gandoctor demo`: placeholder until its owner writes it (replace this whole file)."""

from __future__ import annotations

import argparse

from gandoctor.errors import UsageError


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    return sub.add_parser("demo", help="(not written yet)")


def run(args: argparse.Namespace) -> int:
    raise UsageError("'demo' is not written yet")
