"""least-squares-on-sigmoid: an LSGAN whose discriminator ends in a sigmoid.

The least-squares loss is meant for D's raw score: through a sigmoid, the squared error to 0/1 has a
vanishing gradient wherever the sigmoid saturates, which is where a fake far from the data sits, so
"the loss never goes down". MSE on a linear D output (the LSGAN paper) is correct and silent, and so is
MSE on a sigmoid generator's reconstruction (no discriminator in it).
"""

from __future__ import annotations

from gandoctor.doctor.events import DISCRIMINATOR, SIGMOID, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "least-squares-on-sigmoid"
SEVERITY = "error"
NEEDS_ROLES = True
PRIORITY = 36
EXPLAINS = {"discriminator-overpowering", "mode-collapse", "metric-regression"}
TEXT = {
    "en": Text(
        summary="a least-squares (MSE) GAN loss is computed on the discriminator's sigmoid output",
        explanation="The LSGAN loss works on D's raw score. After a sigmoid its gradient vanishes where the "
        "sigmoid saturates, exactly for the fakes that most need a push, so training stalls.",
        fix="Remove the nn.Sigmoid at this line (D ends in a linear layer) and keep nn.MSELoss() against the "
        "real/fake targets; or, to keep the sigmoid, use nn.BCELoss() instead of MSE.",
        fix_for={"keras": "Drop the sigmoid activation of D's last layer at this line (a plain Dense(1)) and "
                 "keep loss=\"mse\"; or, to keep the sigmoid, compile with loss=\"binary_crossentropy\"."},
    ),
    "zh": Text(
        summary="最小二乘（MSE）GAN 损失是在判别器的 sigmoid 输出上计算的",
        explanation="LSGAN 损失作用于 D 的原始分数。经过 sigmoid 后，在 sigmoid 饱和处梯度消失，"
        "而这恰恰是最需要推动的假样本，训练因此停滞。",
        fix="去掉此行的 nn.Sigmoid（D 以线性层结尾），保留对真/假目标的 nn.MSELoss()；"
        "若要保留 sigmoid，则用 nn.BCELoss() 代替 MSE。",
        fix_for={"keras": "去掉此行 D 最后一层的 sigmoid 激活（用不带激活的 Dense(1)），保留 loss=\"mse\"；"
                 "若要保留 sigmoid，则用 loss=\"binary_crossentropy\" 编译。"},
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    d_units = set(run.units_with_role(DISCRIMINATOR))
    for call in run.loss_calls:
        if call.kind == "mse" and call.input_producer == SIGMOID and d_units & set(call.units):
            return [Finding(ID, SEVERITY, call.step, call.input_location or call.location, {})]
    return []
