"""discriminator-frozen: the discriminator's optimizer steps but D gets no gradient (or never changes).

Typically ``requires_grad = False`` for the generator step, never switched back on. A frozen D stops
judging, so the generator "wins" without learning anything real.
"""

from __future__ import annotations

from gandoctor.doctor.checks._util import no_gradient
from gandoctor.doctor.events import DISCRIMINATOR, RequiresGradEvent, RunEvents, StepEvent
from gandoctor.doctor.findings import Finding, Text

ID = "discriminator-frozen"
SEVERITY = "error"
NEEDS_ROLES = True
PRIORITY = 22
EXPLAINS = {"mode-collapse", "metric-regression", "discriminator-overpowering", "script-error"}
TEXT = {
    "en": Text(
        summary="the discriminator stopped learning: {frozen_steps} of its {d_steps} steps had no gradient "
        "or did not change it",
        explanation="The discriminator's parameters stopped receiving gradients (requires_grad switched off "
        "and never back on, or its loss computed without a graph). A frozen D gives the generator a "
        "fixed, meaningless target.",
        fix="If you freeze D for the generator step, switch requires_grad back to True before the "
        "discriminator's step (or do not freeze it at all: opt_g only updates G anyway).",
    ),
    "zh": Text(
        summary="判别器停止学习：{d_steps} 次判别器更新中有 {frozen_steps} 次没有梯度或参数未变化",
        explanation="判别器参数不再收到梯度（requires_grad 被关闭后没有重新打开，或其损失没有计算图）。"
        "被冻结的判别器给生成器的是一个固定且无意义的目标。",
        fix="如果在生成器更新时冻结了 D，请在判别器更新前把 requires_grad 设回 True"
        "（或者干脆不冻结：opt_g 本来就只更新 G）。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    findings = []
    d_keys = {k for k, r in run.roles.params.items() if r == DISCRIMINATOR}
    still_off = _switched_off(run, d_keys)
    for e in run.exceptions:  # backward of a D loss whose parameters were all frozen
        if "does not require grad" in e.message and still_off is not None:
            return [Finding(ID, SEVERITY, e.step, still_off.location,
                            {"optimizer": "?", "frozen_steps": "all", "d_steps": "the",
                             "grads_none": "all", "params": len(d_keys), "error": e.message})]
    for opt in run.optimizers_with_role(DISCRIMINATOR):
        steps = run.steps_of(opt.index)
        if len(steps) < 2:
            continue

        def frozen(s: StepEvent) -> bool:
            if s.grads_none >= s.n_params:
                return True
            return s.probe and (no_gradient(s) or s.changed is False)

        # the frozen tail: every step from some point to the end
        tail = 0
        for s in reversed(steps):
            if not frozen(s):
                break
            tail += 1
        if tail < 2:
            continue
        first = steps[len(steps) - tail]
        offs = [
            e for e in run.requires_grad if not e.value and d_keys & set(e.params) and e.seq <= first.seq
        ]
        location = offs[-1].location if offs else opt.location or first.location
        findings.append(
            Finding(ID, SEVERITY, first.step, location,
                    {"optimizer": opt.index, "frozen_steps": tail, "d_steps": len(steps),
                     "grads_none": first.grads_none, "params": first.n_params})
        )
    return findings


def _switched_off(run: RunEvents, d_keys: set[int]) -> RequiresGradEvent | None:
    """The last switch-off of D's requires_grad that no later switch-on undid."""
    last_off = None
    for e in run.requires_grad:
        if d_keys & set(e.params):
            last_off = None if e.value else e
    return last_off
