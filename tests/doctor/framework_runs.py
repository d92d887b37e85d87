"""Running a TensorFlow or Keras script under ``gandoctor run --json`` in a process of its own.

TF1's graph mode and the Keras backend are process-wide, so these scripts cannot share pytest's process
with the torch tests; the JSON is what ``gandoctor run`` writes for any user.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


def needs(package: str, reason: str) -> None:
    """Skip unless ``package`` is installed, without importing it here: TensorFlow loaded into pytest's
    process makes a later ``torch.compile`` (triton's native library) crash the whole run. The scripts
    that use it run in processes of their own."""
    if importlib.util.find_spec(package) is None:
        pytest.skip(f"{package} is not installed: {reason}")


def needs_tensorflow() -> None:
    needs("tensorflow", "TensorFlow is an optional extra: pip install -e '.[tf]'")


def doctor_json(script: Path, max_steps: int, tmp: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    out = tmp / f"{script.stem}.json"
    cmd = [sys.executable, "-m", "gandoctor", "run", "--no-report", "--json", str(out),
           "--max-steps", str(max_steps), str(script)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})})
    assert out.exists(), f"no JSON (exit {done.returncode}): {done.stderr[-3000:]}"
    return json.loads(out.read_text(encoding="utf-8"))


def errors(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in doc["findings"] if f["severity"] == "error"]


def describe(doc: dict[str, Any]) -> str:
    return "; ".join(f"{f['severity']} {f['id']} at {f['location']}" for f in doc["findings"]) or "none"


def line_of(script: Path, marker: str) -> int:
    """The line of ``script`` carrying ``marker`` (a comment such as ``# bug: copy``)."""
    for number, text in enumerate(script.read_text(encoding="utf-8").splitlines(), 1):
        if marker in text:
            return number
    raise AssertionError(f"{marker!r} not in {script}")
