"""optimizer-never-steps: a network's loss is backpropagated, but its optimizer never steps."""

from __future__ import annotations

from gandoctor.doctor.events import RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "optimizer-never-steps"
SEVERITY = "error"
PRIORITY = 28
EXPLAINS = {"mode-collapse", "discriminator-overpowering", "metric-regression", "missing-zero-grad"}
TEXT = {
    "en": Text(
        summary="the {role}'s gradients are computed, but {opt_name}, built at this line, never stepped in "
        "{steps} steps",
        explanation="loss.backward() only computes gradients; the parameters change only when "
        "optimizer.step() is called.",
        fix="Call {opt_name}.step() after the {role}'s loss.backward().",
    ),
    "zh": Text(
        summary="{role} 的梯度已经计算，但在此行创建的 {opt_name} 在 {steps} 步中从未 step",
        explanation="loss.backward() 只计算梯度；只有调用 optimizer.step() 参数才会改变。",
        fix="在 {role} 的 loss.backward() 之后调用 {opt_name}.step()。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    if run.steps < 2:
        return []
    stepped = {s.optimizer for s in run.steps_taken}
    findings = []
    for opt in run.optimizers:
        role = run.roles.optimizers.get(opt.index)
        if opt.index in stepped:
            continue
        role = role if role in ("generator", "discriminator") else "network"  # no roles needed
        mine = set(opt.params)
        fed = [b for b in run.backwards if mine & set(b.params)]
        if not fed:
            continue
        # clear once another optimizer has stepped twice after this network's first backward
        others = [s.step for s in run.steps_taken if s.seq > fed[0].seq]
        if len(others) < 2 and run.exceptions:
            continue  # the script raised before that (in this very step, maybe): script-error says why
        step = others[1] if len(others) > 1 else run.steps
        findings.append(Finding(ID, SEVERITY, step, opt.location or fed[-1].location,
                                {"role": role, "optimizer": opt.index, "steps": run.steps,
                                 "opt_name": opt.label}))
    return findings
