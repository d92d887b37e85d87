"""The catalogue: one module per finding id, found automatically.

A check module defines, at top level:

    ID: str                      the finding id, e.g. "generator-no-gradient"
    SEVERITY: str                "error", "warning" or "info"
    EXPLAINS: set[str]           ids of symptoms this root cause explains (they get demoted)
    PRIORITY: int                optional, default 50: among findings of equal severity, lower comes first
    TEXT: dict[str, Text]        {"en": Text(...), "zh": Text(...)}: summary, explanation, fix
    def detect(run: RunEvents) -> list[Finding]

``detect`` reads only the recorded events (never torch), so it can be tested on events alone.
Adding a check is adding a module here; no other file changes. See docs/doctor.md.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from gandoctor.doctor.events import RunEvents
from gandoctor.doctor.findings import Finding, Text


@dataclass(frozen=True)
class Check:
    id: str
    severity: str
    explains: frozenset[str]
    text: dict[str, Text]
    detect: Callable[[RunEvents], list[Finding]]
    module: str
    priority: int = 50


# Findings the engine itself produces (not checks): their words live here.
ENGINE_TEXT: dict[str, dict[str, Text]] = {
    "script-error": {
        "en": Text(
            summary="the script raised {type}: {message}",
            explanation="The training script stopped with an exception before reaching its end.",
            fix="Fix the error at the line shown; the doctor lists any cause it recognised above this one.",
        ),
        "zh": Text(
            summary="脚本抛出异常 {type}: {message}",
            explanation="训练脚本在结束前因异常而停止。",
            fix="修正所示行的错误；若医生识别出了原因，会列在本条之前。",
        ),
    },
    "roles-unknown": {
        "en": Text(
            summary="could not tell which parameters are the generator's and which the "
            "discriminator's ({reason})",
            explanation="Checks that need roles stayed silent instead of guessing.",
            fix="Name them: `with gandoctor.watch(generator=G, discriminator=D):`.",
        ),
        "zh": Text(
            summary="无法判断哪些参数属于生成器、哪些属于判别器（{reason}）",
            explanation="需要角色信息的检查保持沉默，而不是猜测。",
            fix="请显式指定：`with gandoctor.watch(generator=G, discriminator=D):`。",
        ),
    },
    "doctor-internal-error": {
        "en": Text(
            summary="the doctor itself failed in {where}: {message} (training was not affected)",
            explanation="An internal error of gandoctor; the findings may be incomplete.",
            fix="Please report this with the script that triggered it.",
        ),
        "zh": Text(
            summary="医生自身在 {where} 出错：{message}（训练未受影响）",
            explanation="gandoctor 内部错误；诊断结果可能不完整。",
            fix="请将触发此问题的脚本一起报告给我们。",
        ),
    },
}


def _load(module: ModuleType) -> Check:
    return Check(
        id=module.ID,
        severity=module.SEVERITY,
        explains=frozenset(getattr(module, "EXPLAINS", set())),
        text=module.TEXT,
        detect=module.detect,
        module=module.__name__,
        priority=getattr(module, "PRIORITY", 50),
    )


_CHECKS: list[Check] | None = None


def all_checks() -> list[Check]:
    """Every check module in this package, imported once, sorted by id."""
    global _CHECKS
    if _CHECKS is None:
        found = []
        for info in pkgutil.iter_modules(__path__):
            if not info.name.startswith("_"):
                found.append(_load(importlib.import_module(f"{__name__}.{info.name}")))
        _CHECKS = sorted(found, key=lambda c: c.id)
    return _CHECKS


def explains_map() -> dict[str, set[str]]:
    return {c.id: set(c.explains) for c in all_checks()}


def priorities() -> dict[str, int]:
    return {c.id: c.priority for c in all_checks()}


def text_for(finding_id: str, lang: str) -> Text:
    """The words for ``finding_id`` in ``lang`` (English when that language is missing)."""
    table = ENGINE_TEXT.get(finding_id)
    if table is None:
        table = next((c.text for c in all_checks() if c.id == finding_id), None)
    if table is None:
        return Text(summary=finding_id, explanation="", fix="")
    return table.get(lang) or table["en"]


def run_checks(run: RunEvents) -> list[Finding]:
    """Run every check; a check that fails becomes a ``doctor-internal-error`` warning."""
    findings: list[Finding] = []
    for check in all_checks():
        try:
            findings.extend(check.detect(run))
        except Exception as exc:  # a broken check must never take the report down
            findings.append(
                Finding(
                    "doctor-internal-error",
                    "warning",
                    run.steps,
                    None,
                    {"where": check.id, "message": f"{type(exc).__name__}: {exc}"},
                )
            )
    return findings
