"""softmax-before-cross-entropy: a classifier head ends in softmax and feeds a loss that applies its own.

``CrossEntropyLoss`` takes logits and applies log-softmax itself; after an ``nn.Softmax`` the scores are
squashed twice, the class loss floors far above 0 and the auxiliary head (ACGAN, InfoGAN) barely
learns. ``NLLLoss`` wants log-probabilities: after a plain softmax it is wrong the same way. The
multi-class twin of sigmoid-before-logits-loss. ``LogSoftmax`` + ``NLLLoss`` is correct and silent.
"""

from __future__ import annotations

from gandoctor.doctor.events import SOFTMAX, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "softmax-before-cross-entropy"
SEVERITY = "error"
PRIORITY = 35
EXPLAINS = {"mode-collapse", "metric-regression"}
_WANTS = {"ce": "logits (it applies log-softmax itself)", "nll": "log-probabilities (log_softmax)"}
_LOSS = {"ce": "cross_entropy", "nll": "nll_loss"}
TEXT = {
    "en": Text(
        summary="softmax output fed to {loss}, which expects {wants}: the scores are squashed twice",
        explanation="With softmax applied twice the class loss cannot go below a high floor and its "
        "gradients are tiny, so the classifier head learns little (a common ACGAN/InfoGAN bug).",
        fix="Remove the nn.Softmax at this line and feed raw logits to CrossEntropyLoss, or use "
        "nn.LogSoftmax(dim=1) with nn.NLLLoss(); apply softmax only to report probabilities.",
    ),
    "zh": Text(
        summary="softmax 的输出被送入 {loss}，而它需要{wants_zh}：分数被压缩了两次",
        explanation="softmax 用了两次，分类损失降不到很低，梯度也很小，分类头几乎学不到东西（ACGAN/InfoGAN "
        "常见错误）。",
        fix="去掉此行的 nn.Softmax，把原始 logits 送入 CrossEntropyLoss，或改用 nn.LogSoftmax(dim=1) 配合 "
        "nn.NLLLoss()；softmax 只用于展示概率。",
    ),
}
_WANTS_ZH = {"ce": "logits（它自己会做 log-softmax）", "nll": "对数概率（log_softmax）"}


def detect(run: RunEvents) -> list[Finding]:
    for call in run.loss_calls:
        if call.kind in _WANTS and call.input_producer == SOFTMAX:
            return [Finding(ID, SEVERITY, call.step, call.input_location or call.location,
                            {"loss": _LOSS[call.kind], "wants": _WANTS[call.kind],
                             "wants_zh": _WANTS_ZH[call.kind]})]
    return []
