"""norm-scale-near-zero: every normalisation layer of a network starts with its scale (gamma) near 0.

The DCGAN-style ``nn.init.normal_(m.weight, 0.0, 0.02)`` applied to BatchNorm layers too (a
``weights_init`` that matches 'BatchNorm' in the Conv branch) sets gamma ~ 0: each normalised
activation is multiplied by ~0.02, the network's output hardly depends on its input, and a generator
makes the same image for every z (tried on a popular WGAN-GP tutorial: G's per-pixel spread 0.0011
against 0.097). pytorch/examples initialises BatchNorm weights from N(1, 0.02). Only reported when
*all* of a network's norm layers are near zero, so the zero-init of the last norm in a residual branch
stays silent.
"""

from __future__ import annotations

from gandoctor.doctor.events import RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "norm-scale-near-zero"
SEVERITY = "error"
PRIORITY = 11
EXPLAINS = {"mode-collapse", "discriminator-overpowering", "metric-regression", "generator-input-constant"}
NEAR_ZERO = 0.1  # mean |gamma| below this (N(0, 0.02) gives about 0.016; the default is 1)
TEXT = {
    "en": Text(
        summary="all {layers} normalisation layers of {unit} start with scale (gamma) near 0 (mean |gamma| "
        "= {scale}): its output barely depends on its input",
        explanation="A norm layer multiplies each normalised activation by gamma. Initialised from N(0, "
        "0.02) "
        "(the conv init applied to BatchNorm too), every layer scales its activations by ~0.02 and the "
        "network's output hardly changes with its input: a generator then draws one image for every z.",
        fix="Initialise norm weights around 1: nn.init.normal_(m.weight, 1.0, 0.02) and "
        "nn.init.zeros_(m.bias) "
        "for BatchNorm layers (as pytorch/examples' DCGAN does), or leave PyTorch's default (gamma = 1).",
    ),
    "zh": Text(
        summary="{unit} 的全部 {layers} 个归一化层的缩放（gamma）初始值接近 0（平均 |gamma| = {scale}）："
        "其输出几乎不依赖输入",
        explanation="归一化层会把每个归一化后的激活乘以 gamma。若按 N(0, 0.02) 初始化（把卷积层的初始化也用"
        "在了 "
        "BatchNorm 上），每层都把激活缩小到约 0.02 倍，网络输出几乎不随输入变化：生成器对每个 z 都画出同一"
        "张图。",
        fix="把归一化层权重初始化在 1 附近：对 BatchNorm 使用 nn.init.normal_(m.weight, 1.0, 0.02) 和 "
        "nn.init.zeros_(m.bias)（与 pytorch/examples 的 DCGAN 相同），或保留 PyTorch 的默认值（gamma = 1）。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    findings = []
    for unit, keys in sorted(run.units.items()):
        norms = [run.params[k] for k in keys if run.params[k].norm_scale is not None]
        if not norms or any(p.norm_scale >= NEAR_ZERO for p in norms):
            continue
        located = [p.init_location for p in norms if p.init_location is not None]
        scale = sum(p.norm_scale for p in norms) / len(norms)
        findings.append(Finding(ID, SEVERITY, 0, located[0] if located else None,
                                {"unit": unit, "layers": len(norms), "scale": scale}))
    return findings
