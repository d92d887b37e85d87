"""gradient-penalty-input-without-grad: the penalty differentiates with respect to a tensor that does
not require grad.

``x_hat = alpha * real + (1 - alpha) * fake.detach()`` without ``.requires_grad_(True)``: the
interpolates are not part of any graph as inputs, so ``torch.autograd.grad(D(x_hat), x_hat)`` raises
"One of the differentiated Tensors does not require grad" at the penalty line. The cause is where
``x_hat`` was made. Found from the failed ``torch.autograd.grad`` call and its inputs' provenance.
"""

from __future__ import annotations

from gandoctor.doctor.events import INPUT_GRADIENT, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "gradient-penalty-input-without-grad"
SEVERITY = "error"
PRIORITY = 14
EXPLAINS = {"script-error", "optimizer-never-steps", "no-optimizer-step"}
TEXT = {
    "en": Text(
        summary="the tensor made at this line is differentiated by torch.autograd.grad at {grad_at} but does "
        "not require grad, so the gradient penalty crashes",
        explanation="A gradient penalty needs the gradient of D's output with respect to its input; the "
        "input must be marked as requiring grad before D runs on it.",
        fix="Mark the interpolates before calling D: x_hat = (alpha * real + (1 - alpha) * fake.detach())"
        ".requires_grad_(True).",
    ),
    "zh": Text(
        summary="此行生成的张量在 {grad_at} 处被 torch.autograd.grad 求导，但它不需要梯度，梯度惩罚因此崩溃",
        explanation="梯度惩罚需要 D 的输出对其输入的梯度；在 D 处理输入之前，必须把输入标记为需要梯度。",
        fix="在调用 D 之前标记插值样本：x_hat = (alpha * real + (1 - alpha) * fake.detach())"
        ".requires_grad_(True)。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    crash = next((e for e in run.exceptions if "differentiated Tensors does not require grad" in e.message),
                 None)
    failed = next((f for f in run.failed_ops if f.kind == INPUT_GRADIENT), None)
    if crash is None or failed is None:
        return []
    made_at = next((loc for loc in failed.made_at if loc is not None), None)
    return [Finding(ID, SEVERITY, crash.step, made_at or failed.location,
                    {"grad_at": str(failed.location or "?")})]
