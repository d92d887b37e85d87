"""Findings as terminal text (English or Chinese) and as the JSON document of ``--json``."""

from __future__ import annotations

import os
from typing import Any

from gandoctor.doctor.events import RunEvents
from gandoctor.doctor.findings import Finding

_WORDS = {
    "en": {"none": "No problems found in {steps} optimizer steps.", "step": "step", "fix": "fix",
           "evidence": "evidence", "title": "gandoctor: {n} finding(s) in {steps} optimizer steps",
           "roles": "roles", "explained": "explained by"},
    "zh": {"none": "在 {steps} 次优化器更新中未发现问题。", "step": "步", "fix": "修复",
           "evidence": "证据", "title": "gandoctor：在 {steps} 次优化器更新中发现 {n} 个问题",
           "roles": "角色", "explained": "由此解释"},
}


def _where(f: Finding) -> str:
    if f.location is None:
        return "-"
    try:
        path = os.path.relpath(f.location.file)
    except ValueError:
        path = f.location.file
    return f"{path}:{f.location.line}"


def text_report(run: RunEvents, findings: list[Finding], lang: str = "en") -> str:
    words = _WORDS.get(lang, _WORDS["en"])
    if not findings:
        return words["none"].format(steps=run.steps)
    lines = [words["title"].format(n=len(findings), steps=run.steps)]
    for i, f in enumerate(findings, 1):
        t = f.text(lang)
        lines.append("")
        lines.append(f"{i}. [{f.severity}] {f.id}  ({words['step']} {f.step}, {_where(f)})")
        lines.append(f"   {t.summary}")
        evidence = ", ".join(f"{k}={_number(v)}" for k, v in f.evidence.items())
        if evidence:
            lines.append(f"   {words['evidence']}: {evidence}")
        if f.explained_by:
            lines.append(f"   {words['explained']}: {f.explained_by}")
        else:
            lines.append(f"   {words['fix']}: {t.fix}")
    return "\n".join(lines)


def _number(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def to_json(run: RunEvents, findings: list[Finding], lang: str = "en") -> dict[str, Any]:
    roles = {
        "known": run.roles.known,
        "reason": run.roles.reason,
        "units": run.roles.units,
        "optimizers": {str(k): v for k, v in run.roles.optimizers.items()},
    }
    g_steps = sorted(s.step for s in run.steps_taken
                     if run.roles.known and run.roles.optimizers.get(s.optimizer) == "generator")
    data = []
    for f in findings:
        item = f.to_json(lang)
        if g_steps:  # the same finding in training iterations (generator steps), the unit of the plots
            item["iteration"] = sum(1 for s in g_steps if s <= f.step)
        data.append(item)
    return {
        "version": 1,
        "script": run.script,
        "steps": run.steps,
        "step_unit": "optimizer steps, all optimizers together; 'iteration' counts generator steps",
        "roles": roles,
        "findings": data,
    }
