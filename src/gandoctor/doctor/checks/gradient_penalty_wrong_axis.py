"""gradient-penalty-wrong-axis: the gradient penalty's norm is not taken per sample.

WGAN-GP constrains ||grad_x D(x)|| of each sample to 1. On image-shaped inputs ``grad.norm(2, dim=1)``
takes the norm over the channels only, one per pixel, so the penalty pushes every pixel's gradient to
1 and the critic's outputs run to the thousands. Found from the norm (or the square root of a sum of
squares) of the output of ``torch.autograd.grad`` that flows into a backpropagated loss: its dims must be
every dimension but the batch.
"""

from __future__ import annotations

from gandoctor.doctor.events import RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "gradient-penalty-wrong-axis"
SEVERITY = "error"
PRIORITY = 30
EXPLAINS = {"discriminator-overpowering", "mode-collapse", "learning-rate-too-high", "non-finite-loss",
            "metric-regression"}
TEXT = {
    "en": Text(
        summary="the gradient penalty takes the norm of a {ndim}-D gradient over dims {dims}, not per sample",
        explanation="The penalty should hold each sample's gradient norm at 1. Over dim 1 of an image-shaped "
        "gradient it constrains every pixel separately (or, with no dim, the whole batch at once), and the "
        "critic is no longer 1-Lipschitz as WGAN-GP needs.",
        fix="Flatten first: gradients.view(gradients.size(0), -1).norm(2, dim=1), then ((norm - 1) ** "
        "2).mean().",
    ),
    "zh": Text(
        summary="梯度惩罚对 {ndim} 维梯度在维度 {dims} 上求范数，而不是逐样本",
        explanation="惩罚项应使每个样本的梯度范数为 1。对图像形状的梯度在 dim 1 上求范数，约束的是每个像素"
        "（不指定 dim 则是整个批次），判别器不再满足 WGAN-GP 需要的 1-Lipschitz。",
        fix="先展平：gradients.view(gradients.size(0), -1).norm(2, dim=1)，再 ((norm - 1) ** 2).mean()。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    carried = {flag for b in run.backwards for flag in b.flags}
    for event in run.gradient_norms:
        if f"gradient_norm:{event.seq}" not in carried:
            continue  # a norm that is only logged, not part of a loss
        if not event.per_sample and event.ndim >= 2:
            dims = "all" if event.dims is None else ", ".join(map(str, event.dims))
            return [Finding(ID, SEVERITY, event.step, event.location, {"ndim": event.ndim, "dims": dims})]
    return []
