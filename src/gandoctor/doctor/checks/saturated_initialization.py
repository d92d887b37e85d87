"""saturated-initialization: initial weights so large that tanh/sigmoid units start out saturated.

Weights drawn from N(0, 1) (instead of N(0, 0.02) or PyTorch's default) make pre-activations huge,
so tanh/sigmoid sit on their flat parts and pass almost no gradient from the first step on.
"""

from __future__ import annotations

from gandoctor.doctor.events import RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "saturated-initialization"
SEVERITY = "error"
PRIORITY = 10
EXPLAINS = {"discriminator-overpowering", "mode-collapse", "metric-regression", "learning-rate-too-high",
            "non-finite-loss"}
THRESHOLD = 0.5
TEXT = {
    "en": Text(
        summary="at the first step {saturated_pct}% of the inputs to a {op} are saturated (mean |x| = "
        "{mean_abs_input}); the weights behind it were initialised with std {init_std}",
        explanation="Saturated units have a gradient close to zero, so the layers before them barely learn. "
        "The usual cause is initialising weights from N(0, 1).",
        fix="Initialise weights with a small std, e.g. nn.init.normal_(w, 0.0, 0.02) as in DCGAN, or keep "
        "PyTorch's default initialisation.",
        fix_for={
            "keras": "Keep Keras' default initializer (Glorot uniform), or draw weights with a small std: "
            "`kernel_initializer=keras.initializers.RandomNormal(stddev=0.02)`.",
            "tensorflow": "Initialise weights with a small std: tf.random_normal(shape, stddev=0.02), or "
            "tf.glorot_uniform_initializer() (Keras layers' default)."},
    ),
    "zh": Text(
        summary="第一步时 {op} 的输入有 {saturated_pct}% 处于饱和区（平均 |x| = {mean_abs_input}）；"
        "其前面的权重初始化标准差为 {init_std}",
        explanation="饱和单元的梯度接近零，它之前的层几乎学不到东西。常见原因是用 N(0, 1) 初始化权重。",
        fix="用较小的标准差初始化权重，例如 DCGAN 中的 nn.init.normal_(w, 0.0, 0.02)，"
        "或保留 PyTorch 的默认初始化。",
        fix_for={
            "keras": "保留 Keras 的默认初始化（Glorot uniform），或用较小的标准差："
            "`kernel_initializer=keras.initializers.RandomNormal(stddev=0.02)`。",
            "tensorflow": "用较小的标准差初始化权重：tf.random_normal(shape, stddev=0.02)，"
            "或 tf.glorot_uniform_initializer()（Keras 层的默认初始化）。"},
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    if not run.activations:
        return []
    first_step = min(a.step for a in run.activations)
    generator = set(run.units_with_role("generator"))
    ordered = sorted(run.activations, key=lambda a: a.unit not in generator)  # the generator's first
    for act in ordered:
        if act.step != first_step or act.saturated_fraction < THRESHOLD:
            continue
        weights = [run.params[k] for k in act.weight_params if k in run.params]
        weights = [w for w in weights if len(w.shape) >= 2]
        init = next((w for w in weights if w.init_location is not None), None)
        std = init.init_std if init is not None and init.init_std is not None else "?"
        return [
            Finding(ID, SEVERITY, act.step, init.init_location if init else act.location,
                    {"op": act.op, "saturated_pct": round(100 * act.saturated_fraction, 1),
                     "mean_abs_input": act.mean_abs_input, "init_std": std})
        ]
    return []
