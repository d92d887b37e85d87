"""gradient-penalty-without-graph: a gradient penalty is added to a loss but cannot train anything.

``torch.autograd.grad(D(x_hat).sum(), x_hat)`` without ``create_graph=True`` returns gradients that are
plain numbers: a penalty built from them is a constant in the critic's loss, so its backward gives no
gradient and the critic is unconstrained. Found from the flag that follows the gradient through every
op into the backpropagated loss.
"""

from __future__ import annotations

from gandoctor.doctor.events import RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "gradient-penalty-without-graph"
SEVERITY = "error"
PRIORITY = 31
EXPLAINS = {"discriminator-overpowering", "mode-collapse", "learning-rate-too-high", "non-finite-loss",
            "metric-regression"}
TEXT = {
    "en": Text(
        summary="torch.autograd.grad at this line runs without create_graph=True, so the penalty built from "
        "it and added to the loss at {backward_at} is a constant that trains nothing",
        explanation="Without create_graph the input gradients carry no graph: the penalty's value is added "
        "to the loss but its gradient with respect to the critic's weights is zero, so the critic is not "
        "held 1-Lipschitz.",
        fix="Pass create_graph=True (and retain_graph=True) to torch.autograd.grad in the gradient penalty.",
    ),
    "zh": Text(
        summary="此行的 torch.autograd.grad 没有 create_graph=True，由它算出并加入 {backward_at} 处损失的惩"
        "罚项"
        "是常数，训练不了任何东西",
        explanation="没有 create_graph 时输入梯度不带计算图：惩罚项的值被加入损失，但它对判别器权重的梯度为"
        "零，"
        "判别器因此不受 1-Lipschitz 约束。",
        fix="在梯度惩罚中给 torch.autograd.grad 传入 create_graph=True（以及 retain_graph=True）。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    carrier = next((b for b in run.backwards if "input_gradient_no_graph" in b.flags), None)
    if carrier is None:
        return []
    source = next((g for g in run.input_gradients if not g.create_graph and g.seq < carrier.seq), None)
    if source is None:
        return []
    return [Finding(ID, SEVERITY, source.step, source.location,
                    {"backward_at": str(carrier.location or "?")})]
