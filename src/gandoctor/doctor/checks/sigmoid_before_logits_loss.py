"""sigmoid-before-logits-loss: probabilities fed to a with-logits loss (sigmoid applied twice)."""

from __future__ import annotations

from gandoctor.doctor.events import SIGMOID, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "sigmoid-before-logits-loss"
SEVERITY = "error"
PRIORITY = 35
EXPLAINS = {"discriminator-overpowering", "mode-collapse", "generator-no-gradient", "metric-regression"}
TEXT = {
    "en": Text(
        summary="a sigmoid's output (in [{input_min}, {input_max}]) is fed to a with-logits loss, which "
        "applies the sigmoid again",
        explanation="BCEWithLogitsLoss expects raw scores. Given probabilities, it squashes them a second "
        "time into [0.5, 0.73]: the loss barely moves and gradients are tiny.",
        fix="Remove the final Sigmoid from the discriminator and keep BCEWithLogitsLoss, or keep the "
        "Sigmoid and use BCELoss.",
        fix_for={
            "tensorflow": "Return the logits (before tf.nn.sigmoid) from the discriminator and keep "
            "sigmoid_cross_entropy_with_logits; keep the sigmoid for sampling or display only.",
            "keras": "End the discriminator with a plain Dense(1) (no sigmoid) and keep "
            "BinaryCrossentropy(from_logits=True), or keep the sigmoid and use from_logits=False."},
    ),
    "zh": Text(
        summary="sigmoid 的输出（范围 [{input_min}, {input_max}]）被送入带 logits 的损失，"
        "该损失会再做一次 sigmoid",
        explanation="BCEWithLogitsLoss 需要未经激活的分数。输入概率后它会再次压缩到 [0.5, 0.73]，"
        "损失几乎不变，梯度极小。",
        fix="去掉判别器最后的 Sigmoid 并保留 BCEWithLogitsLoss；或者保留 Sigmoid 改用 BCELoss。",
        fix_for={
            "tensorflow": "让判别器返回 sigmoid 之前的 logits，并保留 sigmoid_cross_entropy_with_logits；"
            "sigmoid 只用于采样或显示。",
            "keras": "让判别器以不带激活的 Dense(1) 结尾并保留 BinaryCrossentropy(from_logits=True)；"
            "或者保留 sigmoid，改用 from_logits=False。"},
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    for call in run.loss_calls:
        if call.kind == "bce_with_logits" and call.input_producer == SIGMOID:
            return [
                Finding(ID, SEVERITY, call.step, call.loss_location or call.location,
                        {"input_min": call.input_stats.min, "input_max": call.input_stats.max})
            ]
    return []
