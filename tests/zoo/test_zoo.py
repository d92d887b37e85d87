"""Every zoo script runs through the doctor in this process, as ``gandoctor run`` would run it.

Buggy scripts: the first error finding has the expected id and points at the marked line (for an
``expect-warning`` script: no error, and the first warning does).
Correct scripts: no error finding at all, with roles known (else most checks would not have run).
The summary table is printed at the end of the session.
"""

from __future__ import annotations

import time

import pytest
from zoo_support import OUTCOMES, Outcome, ZooScript, all_scripts

from gandoctor.doctor.runner import run_script

SCRIPTS = all_scripts()


def _run(script: ZooScript) -> tuple[Outcome, list, bool]:
    start = time.perf_counter()
    doctor = run_script(str(script.path), [], script.max_steps)
    seconds = time.perf_counter() - start
    errors = [f for f in doctor.findings if f.severity == "error"]
    if script.expected_severity == "warning" and not errors:
        errors = [f for f in doctor.findings if f.severity == "warning"]
    first = errors[0] if errors else None
    outcome = Outcome(
        script=script,
        first_error_id=first.id if first else None,
        first_error_line=first.location.line if first and first.location else None,
        first_error_step=first.step if first else None,
        seconds=seconds,
    )
    OUTCOMES.append(outcome)
    return outcome, doctor.findings, doctor.run.roles.known


def _describe(findings: list) -> str:
    return "; ".join(f"{f.severity} {f.id} step {f.step} at {f.location}" for f in findings) or "no findings"


def test_zoo_has_enough_scripts():
    buggy = [s for s in SCRIPTS if s.buggy]
    assert len(buggy) >= 25 and len(SCRIPTS) - len(buggy) >= 8


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.name)
def test_zoo_script(script: ZooScript, one_thread: None) -> None:
    reason = script.missing_data()
    if reason:
        pytest.skip(reason)
    outcome, findings, roles_known = _run(script)
    if script.buggy:
        assert outcome.first_error_id == script.expected_id, _describe(findings)
        assert outcome.first_error_line == script.expected_line, _describe(findings)
    else:
        assert outcome.first_error_id is None, _describe(findings)
        assert roles_known, "roles unknown: the checks that need them did not run"  # not a hollow pass
