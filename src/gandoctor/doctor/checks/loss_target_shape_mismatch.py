"""loss-target-shape-mismatch: a loss gets a target of another shape than its input.

``F.mse_loss(D(x), target)`` with D(x) of shape (B, 1) and a target of shape (B,) compares every
output with every target: a B x B loss that no longer says which sample is real. torch only warns.
``BCELoss`` and ``BCEWithLogitsLoss`` refuse the same pair with a ValueError ("Using a target size
... that is different to the input size"). Found from the two tensors' shapes at the loss call (the
probe records a loss call even when it raises).
"""

from __future__ import annotations

import math

from gandoctor.doctor.events import RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "loss-target-shape-mismatch"
SEVERITY = "error"
PRIORITY = 33
EXPLAINS = {"discriminator-overpowering", "mode-collapse", "metric-regression", "label-mismatch",
            "script-error", "optimizer-never-steps", "no-optimizer-step"}
_ELEMENTWISE = {"mse": "mse_loss", "l1": "l1_loss"}
_STRICT = {"bce": "binary_cross_entropy", "bce_with_logits": "binary_cross_entropy_with_logits"}
TEXT = {
    "en": Text(
        summary="{loss} gets an input of shape {input_shape} and a target of shape {target_shape}: {what}",
        explanation="Element-wise losses broadcast: every output is paired with every target, so the loss "
        "mixes real and fake targets and no longer trains D per sample, and torch only prints a warning. "
        "The BCE losses raise instead.",
        fix="Give the target the input's shape: e.g. torch.ones_like(output), torch.ones(B, 1), or "
        "output.view(-1) against a (B,) target.",
    ),
    "zh": Text(
        summary="{loss} 的输入形状为 {input_shape}，目标形状为 {target_shape}：{what_zh}",
        explanation="逐元素损失会广播：每个输出与每个目标配对，损失混合了真/假目标，不再逐样本训练 D，"
        "而 torch 只打印一条警告。BCE 损失则直接报错。",
        fix="让目标与输入形状一致：例如 torch.ones_like(output)、torch.ones(B, 1)，或对 (B,) 的目标使用 "
        "output.view(-1)。",
    ),
}


def _broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    out = []
    for x, y in zip(reversed((1,) * (len(b) - len(a)) + a), reversed((1,) * (len(a) - len(b)) + b),
                    strict=True):
        if x != y and 1 not in (x, y):
            return None
        out.append(max(x, y))
    return tuple(reversed(out))


def detect(run: RunEvents) -> list[Finding]:
    for call in run.loss_calls:
        if call.target is None or call.kind not in _ELEMENTWISE | _STRICT:
            continue
        shape_in, shape_target = call.input_stats.shape, call.target.shape
        if shape_in == shape_target or not shape_in or not shape_target:
            continue
        shapes = {"input_shape": "x".join(map(str, shape_in)),
                  "target_shape": "x".join(map(str, shape_target))}
        if call.kind in _STRICT:
            return [Finding(ID, SEVERITY, call.step, call.location,
                            {"loss": _STRICT[call.kind], **shapes, "what": "torch refuses the pair",
                             "what_zh": "torch 拒绝这对张量"})]
        joint = _broadcast(shape_in, shape_target)
        if joint is None or math.prod(joint) <= max(math.prod(shape_in), math.prod(shape_target)):
            continue
        elements = math.prod(joint)
        return [Finding(ID, SEVERITY, call.step, call.location,
                        {"loss": _ELEMENTWISE[call.kind], **shapes, "elements": elements,
                         "what": f"it broadcasts them into {elements} elements",
                         "what_zh": f"两者被广播成 {elements} 个元素"})]
    return []
