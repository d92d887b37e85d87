"""A finding (one diagnosis) and the ranking that puts the root cause first.

A check returns ``Finding`` objects holding numbers only (``evidence``); the words come from the
check's ``TEXT`` table (through the ``doctor.words`` registry, so this module never imports the checks),
filled in with the evidence, in the language asked for at render time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from gandoctor.doctor.events import Location
from gandoctor.doctor.words import Text, table_for, text_for

SEVERITIES = ("error", "warning", "info")

__all__ = ["SEVERITIES", "Finding", "Text", "rank"]  # Text lives in doctor.words; checks import it here


@dataclass
class Finding:
    id: str
    severity: str  # "error" | "warning" | "info"
    step: int  # the step at which it was first seen
    location: Location | None
    evidence: dict[str, Any] = field(default_factory=dict)  # numbers (and short strings) that show it
    explained_by: str | None = None  # set by the ranker when another finding is its root cause
    framework: str = "torch"  # the run's framework (RunEvents.framework): picks the fix's API

    def text(self, lang: str = "en") -> Text:
        """The finding's words in ``lang``, with the evidence filled in."""
        return _filled(text_for(self.id, lang), self.evidence, self.framework)

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        """The finding as findings.json holds it: its words in ``lang`` at the top level, and in every
        language under ``words``, so a report in another language needs no access to the checks."""
        words = self.text(lang)
        location = None if self.location is None else {"file": self.location.file, "line": self.location.line}
        data: dict[str, Any] = {
            "id": self.id,
            "severity": self.severity,
            "step": self.step,
            "location": location,
            "summary": words.summary,
            "explanation": words.explanation,
            "evidence": self.evidence,
            "fix": words.fix,
        }
        if self.explained_by:
            data["explained_by"] = self.explained_by
        table = table_for(self.id)
        if table:
            data["words"] = {code: asdict(_filled(text, self.evidence, self.framework))
                             for code, text in table.items()}
        return data


def _filled(text: Text, evidence: dict[str, Any], framework: str = "torch") -> Text:
    values = _FormatDict(evidence)
    return Text(
        summary=text.summary.format_map(values),
        explanation=text.explanation.format_map(values),
        fix=text.fix_for.get(framework, text.fix).format_map(values),
    )


class _FormatDict(dict):
    """Leaves ``{missing}`` keys visible instead of raising, and rounds floats for reading."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        if isinstance(value, float):
            return f"{value:.3g}"
        return value


def rank(
    findings: list[Finding], explains: dict[str, set[str]], priorities: dict[str, int] | None = None
) -> list[Finding]:
    """Order findings root cause first and demote symptoms that a present cause explains.

    ``explains`` maps a finding id to the ids it explains (each check's ``EXPLAINS``). A finding whose
    id is explained by another present *error* or *warning* finding becomes ``info`` with
    ``explained_by`` set, so the user still sees it, last, but is not sent after the symptom.
    Then: severity, then each check's ``PRIORITY`` (structural causes before statistical symptoms),
    then the step at which it was first seen.
    """
    prio = priorities or {}
    present = {f.id for f in findings if f.severity in ("error", "warning")}
    for f in findings:
        causes = sorted((c for c in present if c != f.id and f.id in explains.get(c, set())),
                        key=lambda c: prio.get(c, 50))
        if causes:
            f.explained_by = causes[0]
            f.severity = "info"
    # name the root cause, not a symptom that is itself explained (script-error <- frozen <- no gradient)
    explained = {f.id: f.explained_by for f in findings if f.explained_by}
    for f in findings:
        seen = {f.id}
        while f.explained_by in explained and explained[f.explained_by] not in seen:
            seen.add(f.explained_by)
            f.explained_by = explained[f.explained_by]
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(
        findings, key=lambda f: (order[f.severity], f.explained_by is not None, prio.get(f.id, 50), f.step)
    )
