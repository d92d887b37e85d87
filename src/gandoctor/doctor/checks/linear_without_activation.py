"""linear-without-activation: two affine layers with no nonlinearity between them.

Linear(a, b) followed by Linear(b, c) is just one linear map: the network has less capacity than its
author thinks, and a generator built like this cannot model a multimodal distribution.
"""

from __future__ import annotations

from gandoctor.doctor.events import RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "linear-without-activation"
SEVERITY = "error"
PRIORITY = 60
EXPLAINS = {"mode-collapse", "metric-regression"}
TEXT = {
    "en": Text(
        summary="{first_op} is followed by {second_op} with no nonlinearity between them (in {unit})",
        explanation="Two affine layers in a row collapse into one affine map, so the extra layer adds no "
        "expressive power (normalisation or dropout between them does not change that).",
        fix="Put an activation between the two layers, e.g. nn.ReLU() (generator) or nn.LeakyReLU(0.2) "
        "(discriminator).",
        fix_for={
            "tensorflow": "Put an activation between the two layers, e.g. tf.nn.relu(...) (generator) or "
            "tf.nn.leaky_relu(..., 0.2) (discriminator).",
            "keras": "Give the first layer an activation, e.g. `layers.Dense(256, activation=\"relu\")` "
            "(generator) or a `layers.LeakyReLU(0.2)` after it (discriminator)."},
    ),
    "zh": Text(
        summary="{first_op} 之后直接接 {second_op}，中间没有非线性激活（在 {unit} 中）",
        explanation="两个连续的仿射层会合并成一个仿射映射，多出的层不增加表达能力（中间的归一化或 dropout "
        "也不会改变这一点）。",
        fix="在两层之间加入激活函数，例如 nn.ReLU()（生成器）或 nn.LeakyReLU(0.2)（判别器）。",
        fix_for={
            "tensorflow": "在两层之间加入激活函数，例如 tf.nn.relu(...)（生成器）或 "
            "tf.nn.leaky_relu(..., 0.2)（判别器）。",
            "keras": "给第一层加上激活函数，例如 `layers.Dense(256, activation=\"relu\")`（生成器），"
            "或在其后加 `layers.LeakyReLU(0.2)`（判别器）。"},
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    findings = []
    seen_units = set()
    seen_lines = set()  # a network built twice by the same code (run.copies) has its chain at one line
    for chain in run.affine_chains:
        if chain.unit in seen_units or (chain.first and chain.first in seen_lines):
            continue
        seen_units.add(chain.unit)
        seen_lines.add(chain.first)
        findings.append(
            Finding(ID, SEVERITY, chain.step, chain.first or chain.second,
                    {"first_op": chain.first_op, "second_op": chain.second_op, "unit": chain.unit,
                     "second_line": chain.second.line if chain.second else "?"})
        )
    return findings
