"""saturating-generator-loss: the generator minimises log(1 - D(G(z))) (the original minimax loss).

Early in training D rejects fakes confidently, D(G(z)) is near 0, and log(1 - x) is flat there: the
generator gets almost no gradient exactly when it needs one most.
"""

from __future__ import annotations

from gandoctor.doctor.checks._util import role_of_step, step_for_loss
from gandoctor.doctor.events import GENERATOR, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "saturating-generator-loss"
SEVERITY = "error"
NEEDS_ROLES = True
PRIORITY = 32
EXPLAINS = {"discriminator-overpowering", "mode-collapse", "metric-regression"}
TEXT = {
    "en": Text(
        summary="the generator minimises log(1 - D(G(z))) ({form}), which saturates when D rejects its fakes",
        explanation="When D(G(z)) is close to 0, the gradient of log(1 - D(G(z))) vanishes, so the "
        "generator stops learning early. The non-saturating loss has the same fixed point and strong "
        "gradients there.",
        fix="Use the non-saturating loss: maximise log D(G(z)), i.e. "
        "g_loss = F.binary_cross_entropy_with_logits(D(fake), ones) (or -log(D(G(z))).mean()).",
        fix_for={
            "tensorflow": "Use the non-saturating loss, maximizing log D(G(z)): "
            "G_loss = -tf.reduce_mean(tf.log(D_fake + 1e-8)), or better on logits: "
            "tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=D_logit_fake, "
            "labels=tf.ones_like(D_logit_fake)))."},
    ),
    "zh": Text(
        summary="生成器最小化 log(1 - D(G(z)))（{form}），当 D 拒绝其假样本时该损失饱和",
        explanation="当 D(G(z)) 接近 0 时，log(1 - D(G(z))) 的梯度消失，生成器过早停止学习。"
        "非饱和损失有相同的最优点，且在该处梯度很大。",
        fix="使用非饱和损失：最大化 log D(G(z))，即 "
        "g_loss = F.binary_cross_entropy_with_logits(D(fake), ones)（或 -log(D(G(z))).mean()）。",
        fix_for={
            "tensorflow": "使用非饱和损失，最大化 log D(G(z))："
            "G_loss = -tf.reduce_mean(tf.log(D_fake + 1e-8))，"
            "或者更好地在 logits 上计算：tf.nn.sigmoid_cross_entropy_with_logits(logits=D_logit_fake, "
            "labels=tf.ones_like(D_logit_fake))。"},
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    g_units = set(run.units_with_role(GENERATOR))
    for call in run.loss_calls:
        if not set(call.units) & g_units or role_of_step(run, step_for_loss(run, call)) != GENERATOR:
            continue
        if call.kind == "log1m" and not call.negated:
            form = "log(1 - D)"
        elif call.kind in ("bce", "bce_with_logits") and call.negated and call.target_value is not None \
                and call.target_value < 0.5:
            form = "-BCE(D(G(z)), fake label)"
        else:
            continue
        return [Finding(ID, SEVERITY, call.step, call.location, {"form": form})]
    return []
