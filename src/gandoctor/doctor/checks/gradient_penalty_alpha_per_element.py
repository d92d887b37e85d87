"""gradient-penalty-alpha-per-element: the penalty's interpolates mix real and fake element by element.

WGAN-GP samples points on straight lines between a real and a generated sample, with one weight
``alpha`` per sample: ``torch.rand(B, 1, 1, 1)``. Drawn with the data's shape, ``torch.rand_like(real)``,
every pixel gets its own weight and the points leave those lines, so the penalty constrains D where
neither distribution lies. Found from the values: the random factor of the interpolate that reaches
``torch.autograd.grad`` varies inside one sample.
"""

from __future__ import annotations

from gandoctor.doctor.events import RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "gradient-penalty-alpha-per-element"
SEVERITY = "error"
PRIORITY = 34
EXPLAINS = {"discriminator-overpowering", "mode-collapse", "metric-regression"}
TEXT = {
    "en": Text(
        summary="the gradient penalty's interpolation weight at this line has shape {shape} and differs "
        "inside each sample: one weight per element, not per sample",
        explanation="The penalty is defined on points between pairs of real and generated samples. A "
        "weight drawn per element scatters the points off those lines, so the critic is constrained "
        "where no data lies.",
        fix="Draw one weight per sample and let it broadcast: alpha = torch.rand(real.size(0), 1, 1, 1, "
        "device=real.device) (torch.rand(B, 1) for flat data).",
    ),
    "zh": Text(
        summary="此行梯度惩罚的插值权重形状为 {shape}，且在每个样本内部取值不同：每个元素一个权重，而不是每个"
        "样本一个",
        explanation="惩罚项定义在真实样本与生成样本两两之间的连线上。按元素采样的权重让这些点偏离连线，"
        "判别器被约束在没有数据的地方。",
        fix="每个样本只采一个权重并广播：alpha = torch.rand(real.size(0), 1, 1, 1, device=real.device)"
        "（平坦数据用 torch.rand(B, 1)）。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    interpolations = {e.seq: e for e in run.interpolations}
    for grad in run.input_gradients:
        for seq in grad.interpolations:
            event = interpolations.get(seq)
            if event is not None and event.per_element:
                shape = "x".join(map(str, event.coefficient_shape))
                return [Finding(ID, SEVERITY, event.step, event.location, {"shape": shape})]
    return []
