"""`gandoctor train`: placeholder until its owner writes it (replace this whole file)."""

from __future__ import annotations

import argparse

from gandoctor.errors import UsageError


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    return sub.add_parser("train", help="(not written yet)")


def run(args: argparse.Namespace) -> int:
    raise UsageError("'train' is not written yet")
