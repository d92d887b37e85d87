"""batch-norm-in-penalized-critic: a critic with a gradient penalty normalises with batch statistics.

A gradient penalty constrains the gradient of D's output for each sample with respect to that sample.
BatchNorm in training mode makes each output depend on the whole batch, so that per-sample gradient is
not the one the penalty assumes (the WGAN-GP paper leaves BatchNorm out of the critic for this reason).
It often still trains, so this is a warning. Found from a batch_norm op with batch statistics in D,
and an input gradient of D carried into one of D's backwards.
"""

from __future__ import annotations

from gandoctor.doctor.events import BATCH_NORM, DISCRIMINATOR, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "batch-norm-in-penalized-critic"
SEVERITY = "warning"
PRIORITY = 35
NEEDS_ROLES = True
EXPLAINS: set[str] = set()
TEXT = {
    "en": Text(
        summary="the critic normalises with batch statistics (BatchNorm at this line) while a gradient "
        "penalty at {penalty_at} constrains its per-sample gradients",
        explanation="BatchNorm couples the samples of a batch, so each output's gradient with respect to its "
        "own input is not what the penalty means to hold at 1.",
        fix="Use a per-sample normalisation in the critic: nn.LayerNorm, or nn.InstanceNorm2d(C, "
        "affine=True), or none.",
    ),
    "zh": Text(
        summary="判别器用批统计量归一化（此行的 BatchNorm），而 {penalty_at} 处的梯度惩罚约束的是逐样本梯度",
        explanation="BatchNorm 把一个批次的样本耦合在一起，每个输出对自身输入的梯度不再是惩罚项想保持为 1 "
        "的那个梯度。",
        fix="在判别器中使用逐样本的归一化：nn.LayerNorm、nn.InstanceNorm2d(C, affine=True)，或不用归一化。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    d_units = set(run.units_with_role(DISCRIMINATOR))
    penalty = next((g for g in run.input_gradients if g.create_graph and d_units & set(g.units)), None)
    applied = any("input_gradient" in b.flags and any(run.params[k].unit in d_units for k in b.params)
                  for b in run.backwards)
    if penalty is None or not applied:
        return []
    norm = next((n for n in run.norm_layers if n.unit in d_units and n.batch_stats and n.kind == BATCH_NORM),
                None)
    if norm is None:
        return []
    return [Finding(ID, SEVERITY, norm.step, norm.location, {"penalty_at": str(penalty.location or "?")})]
