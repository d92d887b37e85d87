"""generator-step-updates-discriminator: the generator's train step also moves the discriminator.

The Keras case: ``combined = Model(z, D(G(z)))`` trained with ``combined.train_on_batch(z, ones)``
while D is trainable: the same step that teaches G to fool D also teaches D to call G's samples real,
undoing D's own step. (Keras 3 takes the combined model's trainable weights at its first
``train_on_batch``: D must be frozen then, not only at ``compile()``.) The same holds for one TF2
``apply_gradients`` over G's and D's variables with the generator's loss.

Detected from measured values: during the probe a step of a model or optimizer that trains the
generator changed weights of the generator *and* of the discriminator at every step compared
(``StepEvent.changed_params``). Roles come from the data flow.

Located at that step's call (``combined.train_on_batch``): the fix goes right before it
(``D.trainable = False``), since in Keras 3 the flag at that call's first run is what counts; the
``compile`` line is not where the freeze takes effect.
"""

from __future__ import annotations

from gandoctor.doctor.events import DISCRIMINATOR, GENERATOR, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "generator-step-updates-discriminator"
SEVERITY = "error"
NEEDS_ROLES = True
PRIORITY = 11
EXPLAINS = {
    "optimizer-wrong-parameters",
    "discriminator-updated-by-generator-loss",
    "discriminator-overpowering",
    "mode-collapse",
    "metric-regression",
    "objectives-not-opposed",
}
TEXT = {
    "en": Text(
        summary="the generator's train step also changes the discriminator: {d_changed} of D's weights "
        "moved in each of the {measured} generator steps compared",
        explanation="The generator's step descends the generator's loss (D should call the fakes real). "
        "When D's weights are trainable in that step, D learns that too, undoing its own step: D stops "
        "telling real from fake and the generator gets no useful signal. In Keras 3 a model's trainable "
        "weights are taken at its first train_on_batch, so freezing D before compile() is not what counts.",
        fix="Freeze the discriminator for the generator's step: set D.trainable = False right before this "
        "train_on_batch (and D.trainable = True again before D's own train_on_batch); in a GradientTape "
        "loop, apply the generator's gradients to the generator's variables only.",
    ),
    "zh": Text(
        summary="生成器的训练步也改变了判别器：比较的 {measured} 次生成器更新中"
        "每次都有 {d_changed} 个 D 的权重被改变",
        explanation="生成器的更新是在降低生成器的损失（让 D 把假样本判为真）。如果这一步中 D 的权重可训练，"
        "D 也会学到这一点，抵消它自己的更新：D 不再能区分真假，生成器也得不到有用的信号。Keras 3 "
        "在模型第一次 train_on_batch 时确定可训练权重，所以在 compile() 之前冻结 D 并不起作用。",
        fix="在生成器的更新中冻结判别器：在这次 train_on_batch 之前设 D.trainable = False（在 D 自己的 "
        "train_on_batch 之前再设回 True）；在 GradientTape 循环中，只把生成器的梯度应用到生成器的变量上。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    g_keys = {k for k, r in run.roles.params.items() if r == GENERATOR}
    d_keys = {k for k, r in run.roles.params.items() if r == DISCRIMINATOR}
    if not g_keys or not d_keys:
        return []
    for opt in run.optimizers:
        steps = [s for s in run.steps_of(opt.index) if s.changed_params is not None
                 and g_keys & set(s.trained_params)]
        if not steps:
            continue
        moved = [set(s.changed_params or []) for s in steps]
        if all(m & g_keys and m & d_keys for m in moved):
            first = steps[0]
            return [Finding(ID, SEVERITY, first.step, first.location,
                            {"optimizer": opt.index, "opt_name": opt.label, "measured": len(steps),
                             "d_changed": len(moved[0] & d_keys)})]
    return []
