"""Every zoo script runs through the doctor in this process, as ``gandoctor run`` would run it.

Buggy scripts: the first error finding has the expected id and points at the marked line (for an
``expect-warning`` script: no error, and the first warning does).
Correct scripts: no error finding at all, with roles known (else most checks would not have run).
The summary table is printed at the end of the session.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from zoo_support import OUTCOMES, Outcome, ZooScript, all_scripts

from gandoctor.doctor.runner import run_script

SCRIPTS = all_scripts()


@dataclass
class _Seen:
    """One finding as the zoo compares it, from a Finding or from `gandoctor run --json`."""

    id: str
    severity: str
    step: int
    line: int | None
    where: str


def _in_process(script: ZooScript) -> tuple[list[_Seen], bool]:
    doctor = run_script(str(script.path), [], script.max_steps)
    seen = [_Seen(f.id, f.severity, f.step, f.location.line if f.location else None, str(f.location))
            for f in doctor.findings]
    return seen, doctor.run.roles.known


def _own_process(script: ZooScript, tmp: Path) -> tuple[list[_Seen], bool]:
    out = tmp / "findings.json"
    cmd = [sys.executable, "-m", "gandoctor", "run", "--no-report", "--json", str(out),
           "--max-steps", str(script.max_steps), str(script.path)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if not out.exists():
        raise AssertionError(f"gandoctor run wrote no JSON (exit {done.returncode}): {done.stderr[-2000:]}")
    doc = json.loads(out.read_text(encoding="utf-8"))
    seen = []
    for f in doc["findings"]:
        loc = f.get("location") or {}
        seen.append(_Seen(f["id"], f["severity"], f["step"], loc.get("line"),
                          f"{loc.get('file')}:{loc.get('line')}" if loc else "None"))
    return seen, doc["roles"]["known"]


def _run(script: ZooScript, tmp: Path) -> tuple[Outcome, list[_Seen], bool]:
    start = time.perf_counter()
    seen, roles_known = _own_process(script, tmp) if script.own_process else _in_process(script)
    seconds = time.perf_counter() - start
    errors = [f for f in seen if f.severity == "error"]
    if script.expected_severity == "warning" and not errors:
        errors = [f for f in seen if f.severity == "warning"]
    first = errors[0] if errors else None
    outcome = Outcome(
        script=script,
        first_error_id=first.id if first else None,
        first_error_line=first.line if first else None,
        first_error_step=first.step if first else None,
        seconds=seconds,
    )
    OUTCOMES.append(outcome)
    return outcome, seen, roles_known


def _describe(findings: list[_Seen]) -> str:
    return "; ".join(f"{f.severity} {f.id} step {f.step} at {f.where}" for f in findings) or "no findings"


def test_zoo_has_enough_scripts():
    buggy = [s for s in SCRIPTS if s.buggy]
    assert len(buggy) >= 25 and len(SCRIPTS) - len(buggy) >= 8


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.name)
def test_zoo_script(script: ZooScript, one_thread: None, tmp_path: Path) -> None:
    reason = script.missing_data()
    if reason:
        pytest.skip(reason)
    outcome, findings, roles_known = _run(script, tmp_path)
    if script.buggy:
        assert outcome.first_error_id == script.expected_id, _describe(findings)
        assert outcome.first_error_line == script.expected_line, _describe(findings)
    else:
        assert outcome.first_error_id is None, _describe(findings)
        assert roles_known, "roles unknown: the checks that need them did not run"  # not a hollow pass
