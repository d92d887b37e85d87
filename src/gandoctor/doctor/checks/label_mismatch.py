"""label-mismatch: the generator is trained toward the fake label, or real and fake share a target."""

from __future__ import annotations

from gandoctor.doctor.checks._util import role_of_step, step_for_loss
from gandoctor.doctor.events import DIFFERENCE, DISCRIMINATOR, GENERATOR, LossCallEvent, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "label-mismatch"
SEVERITY = "error"
NEEDS_ROLES = True
PRIORITY = 30
EXPLAINS = {"mode-collapse", "discriminator-overpowering", "generator-no-gradient", "metric-regression"}
TOLERANCE = 0.05
TEXT = {
    "en": Text(
        summary="{what}: target {target} for {who}, the same as the discriminator's target for {other}",
        explanation="The discriminator learns real -> real_label and fake -> fake_label; the generator must "
        "be trained to make D say real_label on its fakes. Equal targets leave nothing to learn.",
        fix="Use the real label (e.g. 1) as the generator's target and distinct labels for real (1) and "
        "fake (0) in the discriminator's loss.",
        fix_for={"keras": "Give the generator's step the real label: "
                 "combined.train_on_batch(noise, np.ones(...)) (the labels D gets for real batches), and "
                 "distinct labels for real and fake in D's own steps."},
    ),
    "zh": Text(
        summary="{what}：{who} 的目标为 {target}，与判别器对 {other} 使用的目标相同",
        explanation="判别器学习 真 -> 真标签、假 -> 假标签；生成器应被训练成让 D 对假样本输出真标签。"
        "目标相同就没有可学的东西。",
        fix="生成器的目标使用真标签（如 1），判别器损失中真（1）与假（0）使用不同的标签。",
        fix_for={"keras": "生成器的更新使用真标签：combined.train_on_batch(noise, np.ones(...))"
                 "（即 D 对真实批次使用的标签），D 自己的更新中真与假使用不同的标签。"},
    ),
}


def _where(run: RunEvents, call: LossCallEvent):
    """The loss call, or the refill of its label buffer when that fill happened for this very call
    (since the last optimizer step): ``label.fill_(fake_label)`` before the generator's loss."""
    fill = call.target_fill_seq
    if call.target_location is not None and fill is not None and fill >= run.previous_step_seq(call.seq):
        return call.target_location
    return call.location


def detect(run: RunEvents) -> list[Finding]:
    g_units = set(run.units_with_role(GENERATOR))
    d_units = set(run.units_with_role(DISCRIMINATOR))
    g_calls: list[LossCallEvent] = []
    d_real: list[LossCallEvent] = []
    d_fake: list[LossCallEvent] = []
    for call in run.loss_calls:
        if call.kind not in ("bce", "bce_with_logits", "mse") or call.target_value is None:
            continue
        if call.input_producer == DIFFERENCE:  # a relativistic loss (RSGAN, RaGAN)
            continue  # a relativistic loss scores D(real) - D(fake): its targets mean something else
        units = set(call.units)
        role = role_of_step(run, step_for_loss(run, call))
        if units & g_units:
            if role == GENERATOR and not call.negated:
                g_calls.append(call)
            elif role == DISCRIMINATOR:
                d_fake.append(call)
        elif units & d_units and role == DISCRIMINATOR:
            d_real.append(call)
    if not d_fake:
        return []
    fake_label = d_fake[0].target_value
    for call in d_real:
        if abs(call.target_value - fake_label) < TOLERANCE:
            return [Finding(ID, SEVERITY, d_fake[0].step, _where(run, d_fake[0]),
                            {"what": "real and fake share a target", "target": fake_label,
                             "who": "fakes", "other": "real batches"})]
    for call in g_calls:
        if abs(call.target_value - fake_label) < TOLERANCE:
            return [Finding(ID, SEVERITY, call.step, _where(run, call),
                            {"what": "generator trained toward the fake label", "target": call.target_value,
                             "who": "the generator's loss", "other": "fakes"})]
    return []
