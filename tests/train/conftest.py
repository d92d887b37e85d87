"""Helpers for the trainer's tests: short, quiet runs on real data, in a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path

from gandoctor.train.config import TrainConfig


def quick_config(run_dir: Path, **overrides) -> TrainConfig:
    """A run that takes seconds: quiet, no doctor, small logging intervals."""
    values = {"run_dir": str(run_dir), "quiet": True, "doctor": False, "steps": 20, "log_every": 5,
              "threads": 1, "sample_every": 10_000, "ckpt_every": 10_000, "report": False}
    values.update(overrides)
    return TrainConfig(**values)


def read_metrics(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (Path(run_dir) / "metrics.jsonl").read_text().splitlines()]
