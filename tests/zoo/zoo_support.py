"""Reading the zoo: which scripts exist, what each one expects, and the summary of a zoo run.

A buggy script marks exactly one line with ``# doctor: expect <finding-id>``: the first error finding
the doctor must report, at that line; or ``# doctor: expect-warning <finding-id>`` for a defect that is
a warning: no error at all, and that warning first among the warnings, at that line. Header comments
``# doctor: max-steps N`` (the step budget, for statistical findings that need a longer run) and
``# doctor: needs mnist|cats64|lightning|tensorflow|keras`` (data under ``../shared/data``, or an optional
package; the test skips with a reason when it is absent) complete the contract. Scripts that need
tensorflow or keras run in a process of their own (TF1's graph mode and Keras' backend are process-wide).

Sections: ``examples/zoo/buggy`` and ``correct`` are the "core" section; any folder beside them with
its own ``buggy/`` and ``correct/`` is a section of that name ("idioms": the coding styles people use).
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ZOO = REPO / "examples" / "zoo"
SHARED_DATA = REPO.parent / "shared" / "data"
DEFAULT_MAX_STEPS = 20
_NEEDS_FILE = {"mnist": "mnist/t10k-images-idx3-ubyte.gz", "cats64": "cats64/1.jpg"}
_NEEDS_PACKAGE = {"lightning", "tensorflow", "keras"}
# frameworks whose global state (TF1 graph mode, the Keras backend) one process cannot reset: their
# scripts run each in a process of their own, through `gandoctor run --json`
OWN_PROCESS = {"tensorflow", "keras"}

_EXPECT = re.compile(r"#\s*doctor:\s*expect(?P<warning>-warning)?\s+(?P<id>[a-z0-9-]+)")
_MAX_STEPS = re.compile(r"^#\s*doctor:\s*max-steps\s+(\d+)", re.MULTILINE)
_NEEDS = re.compile(r"^#\s*doctor:\s*needs\s+(\S+)", re.MULTILINE)


@dataclass(frozen=True)
class ZooScript:
    path: Path
    buggy: bool
    expected_id: str | None  # None for correct scripts
    expected_line: int | None
    max_steps: int
    needs: tuple[str, ...]
    expected_severity: str = "error"  # "warning" for ``expect-warning``

    @property
    def name(self) -> str:
        return self.path.relative_to(ZOO).with_suffix("").as_posix()

    @property
    def section(self) -> str:
        return "core" if self.path.parent.parent == ZOO else self.path.parent.parent.name

    @property
    def own_process(self) -> bool:
        return bool(OWN_PROCESS.intersection(self.needs))

    def missing_data(self) -> str | None:
        """Why this script cannot run here (data or an optional package absent), or None."""
        for need in self.needs:
            if need in _NEEDS_PACKAGE:
                if importlib.util.find_spec(need) is None:
                    return f"{self.name} needs the optional package {need} (pip install {need})"
                continue
            path = SHARED_DATA / _NEEDS_FILE[need]
            if not path.exists():
                return f"{self.name} needs {need}, not found at {path} (see ../shared/data/README.md)"
        return None


def parse(path: Path) -> ZooScript:
    text = path.read_text(encoding="utf-8")
    marks = [(i, m.group("id"), "warning" if m.group("warning") else "error")
             for i, line in enumerate(text.splitlines(), 1) if (m := _EXPECT.search(line))]
    buggy = path.parent.name == "buggy"
    if buggy and len(marks) != 1:
        raise ValueError(f"{path}: a buggy script marks exactly one line, found {len(marks)}")
    if not buggy and marks:
        raise ValueError(f"{path}: a correct script marks no line")
    max_steps = _MAX_STEPS.search(text)
    needs = tuple(_NEEDS.findall(text))
    unknown = [n for n in needs if n not in _NEEDS_FILE and n not in _NEEDS_PACKAGE]
    if unknown:
        raise ValueError(f"{path}: unknown need {unknown}; known: {sorted([*_NEEDS_FILE, *_NEEDS_PACKAGE])}")
    return ZooScript(
        path=path,
        buggy=buggy,
        expected_id=marks[0][1] if marks else None,
        expected_line=marks[0][0] if marks else None,
        max_steps=int(max_steps.group(1)) if max_steps else DEFAULT_MAX_STEPS,
        needs=needs,
        expected_severity=marks[0][2] if marks else "error",
    )


def sections() -> list[Path]:
    """The zoo root (the core section) and every folder beside its buggy/ and correct/ that has both."""
    extra = sorted(p for p in ZOO.iterdir() if (p / "buggy").is_dir() and (p / "correct").is_dir())
    return [ZOO, *extra]


def all_scripts() -> list[ZooScript]:
    return [parse(p) for root in sections() for kind in ("buggy", "correct")
            for p in sorted((root / kind).glob("*.py"))]


@dataclass
class Outcome:
    """What the doctor said about one script, for the summary table."""

    script: ZooScript
    first_error_id: str | None  # for an expect-warning script: its first warning, when it has no error
    first_error_line: int | None
    first_error_step: int | None
    seconds: float

    @property
    def detected(self) -> bool:
        return self.script.buggy and self.first_error_id == self.script.expected_id

    @property
    def localized(self) -> bool:
        return self.detected and self.first_error_line == self.script.expected_line

    @property
    def false_alarm(self) -> bool:
        return not self.script.buggy and self.first_error_id is not None


def summary(outcomes: list[Outcome]) -> str:
    """Per section: detection, localization and false alarms; then steps to detection per finding id."""
    lines = ["doctor zoo summary"]
    for section in sorted({o.script.section for o in outcomes}, key=lambda s: (s != "core", s)):
        mine = [o for o in outcomes if o.script.section == section]
        buggy = [o for o in mine if o.script.buggy]
        correct = [o for o in mine if not o.script.buggy]
        lines.append(f"  [{section}]")
        if buggy:
            detected = sum(o.detected for o in buggy)
            localized = sum(o.localized for o in buggy)
            lines.append(f"    detection rate     {detected}/{len(buggy)} = {detected / len(buggy):.0%}"
                         "  (right id as the first error finding)")
            lines.append(f"    localization rate  {localized}/{len(buggy)} = {localized / len(buggy):.0%}"
                         "  (right id and right line)")
        if correct:
            alarms = [o.script.name for o in correct if o.false_alarm]
            lines.append(f"    false alarms       {len(alarms)}/{len(correct)} correct scripts"
                         + (f": {', '.join(alarms)}" if alarms else ""))
    buggy = [o for o in outcomes if o.script.buggy]
    by_id: dict[str, list[Outcome]] = {}
    for o in buggy:
        by_id.setdefault(o.script.expected_id or "", []).append(o)
    lines.append("  steps to detection per id (optimizer steps, all optimizers together):")
    for finding_id in sorted(by_id):
        steps = [str(o.first_error_step) if o.detected else "missed" for o in by_id[finding_id]]
        lines.append(f"    {finding_id:42s} {', '.join(steps)}")
    misses = [o for o in buggy if not o.localized]
    if misses:
        lines.append("  not detected or not localized:")
        for o in misses:
            s = o.script
            lines.append(f"    {s.name}: expected {s.expected_id} at line {s.expected_line}, "
                         f"got {o.first_error_id} at line {o.first_error_line}")
    total = sum(o.seconds for o in outcomes)
    lines.append(f"  {len(outcomes)} scripts run in {total:.1f} s")
    return "\n".join(lines)


OUTCOMES: list[Outcome] = []  # filled by test_zoo.py, printed by conftest.py at the end of the session
