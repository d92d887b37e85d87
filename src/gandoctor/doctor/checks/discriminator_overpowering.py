"""discriminator-overpowering: D(real) -> 1 and D(fake) -> 0 for the rest of the run.

A symptom, reported only when no code bug explains it (the root-cause checks list it in their
EXPLAINS, and the ranking then demotes it). It is a warning: a D that wins for a while is common in
runs that still converge. It becomes an error only with a cause in the config (D's learning rate
several times G's) or evidence that training stopped (D saturated so far that its gradients vanish).
It is the one case where the usual advice is right: weaken D. Only for the BCE family, where D's
output is a probability (or a logit of one); hinge,
least-squares and Wasserstein critics have no such scale.
"""

from __future__ import annotations

import math
import statistics

from gandoctor.doctor.events import DISCRIMINATOR, GENERATOR, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "discriminator-overpowering"
SEVERITY = "warning"
NEEDS_ROLES = True
EXPLAINS = {"mode-collapse"}
TEXT = {
    "en": Text(
        summary="the discriminator wins outright: D(real) = {d_real} and D(fake) = {d_fake} on average "
        "from step {step_seen} to the end ({steps} steps)",
        explanation="When D separates real from fake perfectly, its judgement is flat around G's samples and "
        "G gets little useful signal; training stalls even though the code is right.",
        fix="Weaken D or slow it down: lower its learning rate (or raise G's), take fewer D steps per "
        "G step, use the non-saturating G loss, add spectral norm or dropout to D, or one-sided label "
        "smoothing (0.9).",
    ),
    "zh": Text(
        summary="判别器完全占优：从第 {step_seen} 步到结束（{steps} 步）"
        "平均 D(real) = {d_real}，D(fake) = {d_fake}",
        explanation="D 能完美区分真假时，它在 G 的样本附近的判断是平的，G 得不到有用的信号；"
        "代码没错，训练却停滞了。",
        fix="削弱或放慢 D：降低它的学习率（或提高 G 的），减少每次 G 更新对应的 D 更新次数，"
        "使用非饱和的 G 损失，"
        "给 D 加谱归一化或 dropout，或使用单边标签平滑（0.9）。",
    ),
}

WIN = 0.95  # mean D(real) above this and mean D(fake) below 1 - WIN ...
LR_RATIO = 4.0  # an error when D's learning rate is at least this many times G's ...
SATURATED = 0.999  # ... or when D's tail means are beyond this (sigmoid gradients ~1e-3: training stopped)
MIN_VALUES = 30  # ... over at least this many measurements of each ...
TAIL = 1 / 3  # ... in the last third of the run (and from the reported step on)


def _probabilities(values: list[tuple[int, float]], scale: str) -> list[tuple[int, float]]:
    if scale == "logit":
        return [(s, 1 / (1 + math.exp(-max(min(v, 50.0), -50.0)))) for s, v in values]
    return values


def detect(run: RunEvents) -> list[Finding]:
    scale = run.discriminator_output_scale()
    if scale is None:
        return []
    real = _probabilities([(s.step, s.d_real) for s in run.stats if s.d_real is not None
                           and math.isfinite(s.d_real)], scale)
    fake = _probabilities([(s.step, s.d_fake) for s in run.stats if s.d_fake is not None
                           and math.isfinite(s.d_fake)], scale)
    if len(real) < MIN_VALUES / TAIL or len(fake) < MIN_VALUES / TAIL:
        return []
    tail_real = [v for _, v in real[-int(len(real) * TAIL):]]
    tail_fake = [v for _, v in fake[-int(len(fake) * TAIL):]]
    if not (statistics.fmean(tail_real) > WIN and statistics.fmean(tail_fake) < 1 - WIN):
        return []
    start = _onset(real, fake)
    d_opts = run.optimizers_with_role(DISCRIMINATOR)
    evidence = {
        "d_real": statistics.fmean(v for s, v in real if s >= start),
        "d_fake": statistics.fmean(v for s, v in fake if s >= start),
        "step_seen": start,
        "steps": run.steps - start,
        "d_lr": d_opts[0].lr if d_opts else None,
    }
    g_opts = run.optimizers_with_role(GENERATOR)
    severity = SEVERITY
    if g_opts:
        evidence["g_lr"] = g_opts[0].lr
    if d_opts and g_opts and g_opts[0].lr > 0 and d_opts[0].lr / g_opts[0].lr >= LR_RATIO:
        ratio = d_opts[0].lr / g_opts[0].lr
        severity, evidence["cause"] = "error", f"D's learning rate is {ratio:.3g}x G's"
    elif statistics.fmean(tail_real) > SATURATED and statistics.fmean(tail_fake) < 1 - SATURATED:
        severity, evidence["cause"] = "error", "D is saturated: its gradients to G have vanished"
    return [Finding(ID, severity, start, d_opts[0].location if d_opts else None, evidence)]


def _onset(real: list[tuple[int, float]], fake: list[tuple[int, float]]) -> int:
    """The first step from which every later D(real) is above WIN and every later D(fake) below 1 - WIN
    (within a 10-measurement running mean, so one noisy batch does not move it)."""
    def last_failure(values: list[tuple[int, float]], ok) -> int:
        bad = -1
        for i in range(len(values)):
            window = [v for _, v in values[max(0, i - 9): i + 1]]
            if not ok(statistics.fmean(window)):
                bad = values[i][0]
        return bad

    bad = max(last_failure(real, lambda m: m > WIN), last_failure(fake, lambda m: m < 1 - WIN))
    later = [s for s, _ in real + fake if s > bad]
    return min(later) if later else bad
