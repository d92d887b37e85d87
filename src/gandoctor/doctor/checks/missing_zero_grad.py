"""missing-zero-grad: gradients accumulate across iterations because ``.grad`` is never cleared.

Detected exactly: a step applies a gradient that an earlier step already applied to the same
parameters. Deliberate gradient accumulation (several backwards, then one step, then zero_grad) is
not flagged, because each gradient is applied once.
"""

from __future__ import annotations

from gandoctor.doctor.events import RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "missing-zero-grad"
SEVERITY = "error"
PRIORITY = 25
EXPLAINS = {"discriminator-updated-by-generator-loss", "learning-rate-too-high", "non-finite-loss",
            "mode-collapse", "discriminator-overpowering", "metric-regression"}
TEXT = {
    "en": Text(
        summary="optimizer #{optimizer} ({role}) re-applies old gradients: at step {step_number} its "
        "gradient still contained {stale} backward pass(es) an earlier step had already applied",
        explanation="PyTorch adds each backward's gradient to .grad. Without zero_grad() every step "
        "applies the sum of all past gradients, which acts like a growing learning rate and also mixes "
        "in the other network's loss.",
        fix="Call {opt_name}.zero_grad() before each loss.backward() of this network.",
    ),
    "zh": Text(
        summary="优化器 #{optimizer}（{role}）重复应用旧梯度：第 {step_number} 步时其梯度仍包含 {stale} "
        "个已被之前的更新应用过的反向传播",
        explanation="PyTorch 会把每次 backward 的梯度累加到 .grad 上。不调用 zero_grad() 时每一步都会应用"
        "所有历史梯度之和，相当于学习率不断增大，还会混入另一个网络的损失。",
        fix="在该网络每次 loss.backward() 之前调用 {opt_name}.zero_grad()。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    findings = []
    reported = set()
    for s in run.steps_taken:
        if not s.probe or not s.stale_sources or s.optimizer in reported:
            continue
        reported.add(s.optimizer)
        fresh = [i for i in s.sources if i not in s.stale_sources]
        backward = run.backward(max(fresh)) if fresh else None
        location = backward.location if backward else s.location
        opt = run.optimizers[s.optimizer]
        findings.append(Finding(ID, SEVERITY, s.step, location,
                                {"optimizer": s.optimizer, "role": run.roles.optimizers.get(s.optimizer, "?"),
                                 "step_number": s.step, "stale": len(s.stale_sources),
                                 "opt_name": opt.label}))
    return findings
