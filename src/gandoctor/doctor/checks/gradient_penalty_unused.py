"""gradient-penalty-unused: a gradient penalty is computed but never reaches a backward.

``gp = ((grad.norm(2, dim=1) - 1) ** 2).mean()`` followed by ``loss_D = D(fake).mean() - D(real).mean()``
without ``+ lambda_gp * gp``: the penalty costs a second backward through the critic every step and
constrains nothing. Found from the input gradient's mark: a ``torch.autograd.grad`` of D's output with
``create_graph=True`` whose result no later backward carries.
"""

from __future__ import annotations

from gandoctor.doctor.events import DISCRIMINATOR, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "gradient-penalty-unused"
SEVERITY = "error"
PRIORITY = 31
NEEDS_ROLES = True
EXPLAINS = {"unconstrained-critic", "discriminator-overpowering", "mode-collapse", "learning-rate-too-high",
            "non-finite-loss", "metric-regression"}
TEXT = {
    "en": Text(
        summary="the gradient penalty taken at this line never reaches a backward: none of the {backwards} "
        "backward calls after it carries it",
        explanation="The penalty is what keeps a WGAN-GP critic Lipschitz. Computed and left out of the "
        "critic's loss (or added to a copy that is not backpropagated), it costs time and does nothing.",
        fix="Add it to the loss that the critic backpropagates: loss_D = D(fake).mean() - D(real).mean() + "
        "lambda_gp * gradient_penalty, then loss_D.backward().",
    ),
    "zh": Text(
        summary="此行计算的梯度惩罚从未进入 backward：之后的 {backwards} 次 backward 都不包含它",
        explanation="惩罚项使 WGAN-GP 判别器保持 Lipschitz。计算了却没有加入判别器损失（或加到了没有反向传播"
        "的副本上），只耗时间，不起作用。",
        fix="把它加入判别器反向传播的损失：loss_D = D(fake).mean() - D(real).mean() + lambda_gp * "
        "gradient_penalty，然后 loss_D.backward()。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    d_units = set(run.units_with_role(DISCRIMINATOR))
    penalties = [g for g in run.input_gradients if g.create_graph and d_units & set(g.units)]
    if not penalties:
        return []
    first = penalties[0]
    later = [b for b in run.backwards if b.seq > first.seq]
    steps_after = [s for s in run.steps_taken if s.probe and s.seq > first.seq]
    if not later or not steps_after or any("input_gradient" in b.flags for b in later):
        return []
    return [Finding(ID, SEVERITY, first.step, first.location, {"backwards": len(later)})]
