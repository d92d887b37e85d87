"""learning-rate-too-high: a network's loss or gradient norm blows up within a few steps.

With a step too large, each update overshoots and the next gradient is larger still: the loss and
the gradient norm grow by orders of magnitude (or turn NaN) within a handful of steps, far beyond
the slow drift of a healthy GAN. Read per optimizer from the cheap per-step numbers.
"""

from __future__ import annotations

import math
import statistics

from gandoctor.doctor.events import RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "learning-rate-too-high"
SEVERITY = "error"
EXPLAINS = {"non-finite-loss", "discriminator-overpowering", "mode-collapse", "data-range-mismatch"}
TEXT = {
    "en": Text(
        summary="the {quantity} of optimizer #{optimizer} ({kind}, lr={lr}) blew up from {baseline} to "
        "{peak} by step {step_seen}",
        explanation="When the learning rate is too large each update overshoots, the next gradient is "
        "larger, and the weights run away within a few steps; everything after that is noise or NaN.",
        fix="Lower this optimizer's learning rate by 10x or more (GANs usually train with Adam at lr=1e-4 to "
        "2e-4, betas=(0.5, 0.999)); with SGD, also consider momentum <= 0.5 or gradient clipping.",
    ),
    "zh": Text(
        summary="优化器 #{optimizer}（{kind}，lr={lr}）的{quantity}在第 {step_seen} 步前"
        "从 {baseline} 暴增到 {peak}",
        explanation="学习率过大时每次更新都会越过最优点，下一次梯度更大，权重在几步之内就发散；"
        "之后的一切都是噪声或 NaN。",
        fix="把这个优化器的学习率降低 10 倍以上（GAN 通常用 Adam，lr=1e-4 到 2e-4，betas=(0.5, 0.999)）；"
        "用 SGD 时也可考虑 momentum <= 0.5 或梯度裁剪。",
    ),
}

GROWTH = 1000.0  # a finite blow-up: this many times the first steps' typical size ...
FLOOR = 100.0  # ... and at least this large in absolute terms
NAN_GROWTH = 100.0  # a NaN counts as a blow-up when the series had already grown this much (a log loss
# that climbs from 0.7 to 15 as D wins, then hits log(0), is non-finite-loss, not a step size problem)
BASELINE_STEPS = 3


def _blow_up(series: list[tuple[int, float]]) -> tuple[int, float, float] | None:
    """(step, baseline, peak) of the first blow-up in a series of (step, value), or None."""
    finite = [abs(v) for _, v in series if math.isfinite(v)]
    if len(finite) < BASELINE_STEPS:
        return None
    baseline = max(statistics.median(finite[:BASELINE_STEPS]), 1e-3)
    peak = 0.0
    for step, value in series[BASELINE_STEPS:]:
        if not math.isfinite(value):
            if peak >= NAN_GROWTH * baseline:
                return step, baseline, value
            return None  # NaN out of nowhere is non-finite-loss's business
        peak = max(peak, abs(value))
        if peak >= GROWTH * baseline and peak >= FLOOR:
            return step, baseline, peak
    return None


def detect(run: RunEvents) -> list[Finding]:
    candidates = []
    for opt in run.optimizers:
        rows = [s for s in run.stats if s.optimizer == opt.index]
        for quantity in ("loss", "grad_norm"):
            series = [(s.step, getattr(s, quantity)) for s in rows if getattr(s, quantity) is not None]
            found = _blow_up(series)
            if found:
                candidates.append((found[0], opt, "loss" if quantity == "loss" else "gradient norm", found))
    if not candidates:
        return []
    step, opt, quantity, (_, baseline, peak) = min(candidates, key=lambda c: (c[0], c[1].index))
    return [
        Finding(
            ID,
            SEVERITY,
            step,
            opt.location,
            {"optimizer": opt.index, "kind": opt.kind, "lr": opt.lr, "quantity": quantity,
             "baseline": baseline, "peak": peak, "step_seen": step},
        )
    ]
