"""probability-loss-on-logits: raw scores fed to a loss that expects probabilities (BCELoss, log(D))."""

from __future__ import annotations

from gandoctor.doctor.events import AFFINE, CLAMP, EXP, HARD_SIGMOID, NEGATE, SIGMOID, SOFTMAX, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "probability-loss-on-logits"
SEVERITY = "error"
PRIORITY = 36
EXPLAINS = {"script-error", "non-finite-loss", "discriminator-overpowering", "learning-rate-too-high"}
TEXT = {
    "en": Text(
        summary="raw discriminator scores (in [{input_min}, {input_max}], from {producer}) are fed to "
        "{loss}, which expects probabilities in [0, 1]",
        explanation="BCELoss and log(D) need probabilities. Raw scores outside [0, 1] give NaN or an error "
        "('all elements of input should be between 0 and 1').",
        fix="Use nn.BCEWithLogitsLoss on the raw scores (or F.logsigmoid / F.softplus instead of log), "
        "or end the discriminator with a Sigmoid.",
        fix_for={
            "tensorflow": "Take the log of D's probability (tf.nn.sigmoid(logit)), or better compute the "
            "loss from the logits with tf.nn.sigmoid_cross_entropy_with_logits (or tf.log_sigmoid(logit) "
            "for log D).",
            "keras": "Compile with keras.losses.BinaryCrossentropy(from_logits=True) for a discriminator "
            "that ends in a plain Dense, or end it with activation=\"sigmoid\"."},
    ),
    "zh": Text(
        summary="判别器的原始分数（范围 [{input_min}, {input_max}]，来自 {producer}）被送入 {loss}，"
        "而它需要 [0, 1] 内的概率",
        explanation="BCELoss 和 log(D) 需要概率。超出 [0, 1] 的原始分数会产生 NaN 或报错"
        "（'all elements of input should be between 0 and 1'）。",
        fix="对原始分数使用 nn.BCEWithLogitsLoss（或用 F.logsigmoid / F.softplus 代替 log），"
        "或者让判别器以 Sigmoid 结尾。",
        fix_for={
            "tensorflow": "对 D 的概率（tf.nn.sigmoid(logit)）取 log；更好的做法是用 "
            "tf.nn.sigmoid_cross_entropy_with_logits 直接在 logits 上计算损失（log D 可用 "
            "tf.log_sigmoid(logit)）。",
            "keras": "判别器以不带激活的 Dense 结尾时，用 "
            "keras.losses.BinaryCrossentropy(from_logits=True) 编译；"
            "或者让它以 activation=\"sigmoid\" 结尾。"},
    ),
}

PROBABILITY_PRODUCERS = {SIGMOID, SOFTMAX, CLAMP, EXP, NEGATE, HARD_SIGMOID}
_NAMES = {"bce": "BCELoss", "log": "log()", "log1m": "log(1 - x)"}


def detect(run: RunEvents) -> list[Finding]:
    for call in run.loss_calls:
        if call.kind not in _NAMES or call.input_producer in PROBABILITY_PRODUCERS:
            continue
        out_of_range = call.input_stats.min < -1e-6 or call.input_stats.max > 1 + 1e-6
        if call.input_producer == AFFINE or (call.kind == "bce" and out_of_range):
            measured = bool(call.input_stats.shape)  # Keras computes its loss in a traced step: no values
            return [
                Finding(ID, SEVERITY, call.step, call.location,
                        {"input_min": call.input_stats.min if measured else "?",
                         "input_max": call.input_stats.max if measured else "?",
                         "producer": call.input_op or "?", "loss": _NAMES[call.kind]})
            ]
    for e in run.exceptions:
        if "between 0 and 1" in e.message:
            return [Finding(ID, SEVERITY, e.step, e.location,
                            {"input_min": "?", "input_max": "?", "producer": "?", "loss": "BCELoss"})]
    return []
