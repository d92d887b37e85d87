"""optimizer-without-gradient: an optimizer steps, but none of its parameters ever has a gradient.

Needs no roles: it is the role-free form of generator-no-gradient and discriminator-frozen, which
say more when the doctor knows which network the optimizer trains. It reports only optimizers of
no known role, so the two never say the same thing twice.
"""

from __future__ import annotations

from gandoctor.doctor.checks._util import no_gradient, probe_steps
from gandoctor.doctor.events import DISCRIMINATOR, GENERATOR, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "optimizer-without-gradient"
SEVERITY = "error"
PRIORITY = 21
EXPLAINS = {"optimizer-never-steps", "discriminator-overpowering", "mode-collapse", "metric-regression"}
MIN_STEPS = 2
TEXT = {
    "en": Text(
        summary="{opt_name} ({kind}) stepped {steps} times but none of its {params} parameters ever had a "
        "gradient: it changes nothing",
        explanation="optimizer.step() applies .grad. If the loss backpropagated before it never reaches "
        "these parameters (a .detach(), torch.no_grad(), requires_grad=False, or an optimizer built over "
        "the wrong network), the step does nothing.",
        fix="Make the loss before {opt_name}.step() depend on the parameters it holds: no .detach() or "
        "torch.no_grad() on the path, requires_grad=True on them, and an optimizer over the network "
        "that this loss should train.",
    ),
    "zh": Text(
        summary="{opt_name}（{kind}）更新了 {steps} 次，但其 {params} 个参数从未得到梯度：它什么也没改变",
        explanation="optimizer.step() 应用的是 .grad。如果之前反向传播的损失从未到达这些参数（.detach()、"
        "torch.no_grad()、requires_grad=False，或优化器建在了错误的网络上），这一步就什么也不做。",
        fix="让 {opt_name}.step() 之前的损失依赖于它持有的参数：路径上不要 .detach() 或 torch.no_grad()，"
        "参数设为 requires_grad=True，并让优化器建在该损失应训练的网络上。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    findings = []
    for opt in run.optimizers:
        if run.roles.optimizers.get(opt.index) in (GENERATOR, DISCRIMINATOR):
            continue  # generator-no-gradient / discriminator-frozen speak for these
        steps = probe_steps(run, opt.index)
        if len(steps) < MIN_STEPS or not all(no_gradient(s) for s in steps):
            continue
        first = steps[0]
        findings.append(Finding(ID, SEVERITY, first.step, opt.location or first.location,
                                {"optimizer": opt.index, "opt_name": opt.label, "kind": opt.kind,
                                 "steps": len(steps), "params": first.n_params}))
    return findings
