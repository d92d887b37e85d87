"""loss-target-shape-mismatch: an element-wise loss broadcasts its input against a target of another shape.

``F.mse_loss(D(x), target)`` with D(x) of shape (B, 1) and a target of shape (B,) compares every
output with every target: a B x B loss that no longer says which sample is real. torch only warns.
Found from the two tensors' shapes at the loss call.
"""

from __future__ import annotations

import math

from gandoctor.doctor.events import RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "loss-target-shape-mismatch"
SEVERITY = "error"
PRIORITY = 33
EXPLAINS = {"discriminator-overpowering", "mode-collapse", "metric-regression", "label-mismatch"}
_ELEMENTWISE = {"mse": "mse_loss", "l1": "l1_loss"}
TEXT = {
    "en": Text(
        summary="{loss} broadcasts an input of shape {input_shape} against a target of shape {target_shape} "
        "into {elements} elements",
        explanation="Broadcasting pairs every output with every target, so the loss mixes real and fake "
        "targets and no longer trains D per sample; torch only prints a warning.",
        fix="Give the target the input's shape: e.g. torch.ones_like(output), torch.ones(B, 1), or "
        "output.view(-1) against a (B,) target.",
    ),
    "zh": Text(
        summary="{loss} 把形状为 {input_shape} 的输入与形状为 {target_shape} 的目标广播成 {elements} 个元素",
        explanation="广播会把每个输出与每个目标配对，损失混合了真/假目标，不再逐样本训练 D；torch 只打印一"
        "条警告。",
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
        if call.kind not in _ELEMENTWISE or call.target is None:
            continue
        shape_in, shape_target = call.input_stats.shape, call.target.shape
        if shape_in == shape_target or not shape_in or not shape_target:
            continue
        joint = _broadcast(shape_in, shape_target)
        if joint is None or math.prod(joint) <= max(math.prod(shape_in), math.prod(shape_target)):
            continue
        return [Finding(ID, SEVERITY, call.step, call.location,
                        {"loss": _ELEMENTWISE[call.kind], "input_shape": "x".join(map(str, shape_in)),
                         "target_shape": "x".join(map(str, shape_target)), "elements": math.prod(joint)})]
    return []
