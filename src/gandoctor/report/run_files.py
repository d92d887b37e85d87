"""Read whatever a run directory holds, tolerating missing files and a torn last line.

A run killed mid-write, a script run by the doctor (findings only) and a finished training run
all get a report; each section simply shows what exists.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SAMPLE_NAME = re.compile(r"step_(\d+)\.png$")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """One dict per valid line; an unreadable line (e.g. cut by a crash) is skipped."""
    if not path.is_file():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict) and isinstance(row.get("step"), int | float):
            rows.append(row)
    return rows


def read_json(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


@dataclass
class RunFiles:
    run_dir: Path
    config: dict[str, Any] | None = None
    metrics: list[dict[str, Any]] = field(default_factory=list)
    evals: list[dict[str, Any]] = field(default_factory=list)
    findings_doc: dict[str, Any] | None = None
    samples: list[tuple[int, Path]] = field(default_factory=list)  # (step, grid png), by step

    @property
    def findings(self) -> list[dict[str, Any]]:
        items = (self.findings_doc or {}).get("findings") or []
        return [f for f in items if isinstance(f, dict) and "id" in f]

    @property
    def empty(self) -> bool:
        return not (self.config or self.metrics or self.evals or self.findings_doc or self.samples)


def read_run(run_dir: Path) -> RunFiles:
    samples = []
    for path in (run_dir / "samples").glob("step_*.png"):
        match = SAMPLE_NAME.search(path.name)
        if match:
            samples.append((int(match.group(1)), path))
    return RunFiles(
        run_dir=run_dir,
        config=read_json(run_dir / "config.json"),
        metrics=read_jsonl(run_dir / "metrics.jsonl"),
        evals=read_jsonl(run_dir / "eval.jsonl"),
        findings_doc=read_json(run_dir / "findings.json"),
        samples=sorted(samples),
    )
