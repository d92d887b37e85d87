"""The catalogue: one module per finding id, found automatically.

A check module defines, at top level:

    ID: str                      the finding id, e.g. "generator-no-gradient"
    SEVERITY: str                "error", "warning" or "info"
    EXPLAINS: set[str]           ids of symptoms this root cause explains (they get demoted)
    PRIORITY: int                optional, default 50: among findings of equal severity, lower comes first
    NEEDS_ROLES: bool            optional, default False: skip (and say so) when G and D are unknown
    TEXT: dict[str, Text]        {"en": Text(...), "zh": Text(...)}: summary, explanation, fix
    def detect(run: RunEvents) -> list[Finding]

``detect`` reads only the recorded events (never torch), so it can be tested on events alone.
Adding a check is adding a module here; no other file changes. See docs/doctor.md.
The words (``TEXT``, and the engine's own below) are handed to ``doctor.words``, where findings and
reports look them up without importing this package.
"""

from __future__ import annotations

import importlib
import pkgutil
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from gandoctor.doctor import words
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
    needs_roles: bool = False


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
            summary="could not tell which network is the generator and which the discriminator "
            "({reason}); {n_skipped} checks that need them were skipped: {skipped}",
            explanation="Checks that need roles were skipped instead of guessing; the others ran.",
            fix="Name them: `gandoctor run --generator netG --discriminator netD SCRIPT` (any expression "
            "the script can evaluate), or `with gandoctor.watch(generator=G, discriminator=D):`.",
        ),
        "zh": Text(
            summary="无法判断哪个网络是生成器、哪个是判别器（{reason}）；"
            "跳过了 {n_skipped} 项需要角色的检查：{skipped}",
            explanation="需要角色信息的检查被跳过，而不是猜测；其余检查照常运行。",
            fix="请显式指定：`gandoctor run --generator netG --discriminator netD SCRIPT`"
            "（脚本中可求值的任意表达式），"
            "或 `with gandoctor.watch(generator=G, discriminator=D):`。",
        ),
    },
    "no-optimizer-step": {
        "en": Text(
            summary="the script ended before any optimizer step ({how}): nothing was checked",
            explanation="The doctor watches training steps; a script that exits first (--help, a missing "
            "file, an argument error) gives it nothing to look at.",
            fix="Run the script with the arguments that make it train, "
            "e.g. `gandoctor run train.py --epochs 1`.",
        ),
        "zh": Text(
            summary="脚本在任何一次优化器更新之前就结束了（{how}）：没有检查任何内容",
            explanation="医生观察的是训练步骤；脚本提前退出（--help、缺少文件、参数错误）时没有可检查的内容"
            "。",
            fix="用能让脚本开始训练的参数运行，例如 `gandoctor run train.py --epochs 1`。",
        ),
    },
    "doctor-stepped-aside": {
        "en": Text(
            summary="the doctor did not look inside {unit} ({what}); its inputs, outputs, gradients and "
            "steps are still checked",
            explanation="Tracing a compiled module would break it, so the doctor treats it as one opaque "
            "step: activations, inits and layer chains inside it are not checked.",
            fix="For a full check, run once without torch.compile (the findings do not depend on it).",
        ),
        "zh": Text(
            summary="医生没有查看 {unit} 的内部（{what}）；其输入、输出、梯度和更新仍然受检查",
            explanation="追踪已编译的模块会破坏它，所以医生把它当作一个不透明的步骤：不检查其内部的激活、初"
            "始化和层链。",
            fix="如需完整检查，可先不用 torch.compile 运行一次（诊断结果与它无关）。",
        ),
    },
    "doctor-internal-error": {
        "en": Text(
            summary="the doctor itself failed in {where}: {message} (not a problem in your script)",
            explanation="An internal error of gandoctor; the findings may be incomplete. Its traceback is "
            "in the JSON (`evidence.traceback`).",
            fix="Please report this with the script that triggered it; `--no-doctor`-style plain `python` "
            "runs your script unchanged.",
        ),
        "zh": Text(
            summary="医生自身在 {where} 出错：{message}（不是你的脚本的问题）",
            explanation="gandoctor 内部错误；诊断结果可能不完整。"
            "其调用栈在 JSON 中（`evidence.traceback`）。",
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
        needs_roles=getattr(module, "NEEDS_ROLES", False),
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


words.register(ENGINE_TEXT)
words.register_loader(lambda: {c.id: c.text for c in all_checks()})  # check modules load on first use


def explains_map() -> dict[str, set[str]]:
    return {c.id: set(c.explains) for c in all_checks()}


def priorities() -> dict[str, int]:
    return {c.id: c.priority for c in all_checks()}


def run_checks(run: RunEvents) -> tuple[list[Finding], list[str]]:
    """Run every check that can run: (findings, ids of the checks skipped because roles are unknown).

    A check that fails becomes a ``doctor-internal-error`` warning with its traceback.
    """
    findings: list[Finding] = []
    skipped: list[str] = []
    for check in all_checks():
        if check.needs_roles and not run.roles.known:
            skipped.append(check.id)
            continue
        try:
            findings.extend(check.detect(run))
        except Exception as exc:  # a broken check must never take the report down
            evidence = {"where": check.id, "message": f"{type(exc).__name__}: {exc}",
                        "traceback": traceback.format_exception(exc)[-6:]}
            findings.append(Finding("doctor-internal-error", "warning", run.steps, None, evidence))
    return findings, skipped
