"""mode-collapse: the generator's outputs lose their diversity compared with the real batches.

Measured as the mean per-feature standard deviation across a batch (the doctor samples it every few
steps on G's output and on D's real input). A healthy G starts narrow and can stay fairly narrow for
a while (the zoo's correct DCGAN on cats sits at 0.11-0.15 of the data's spread over its first 160
steps), so only a spread far below the data's, after a warm-up, counts: a collapsed G sits under 0.05.
"""

from __future__ import annotations

import statistics

from gandoctor.doctor.events import GENERATOR, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "mode-collapse"
SEVERITY = "error"
NEEDS_ROLES = True
EXPLAINS: set[str] = set()
TEXT = {
    "en": Text(
        summary="the generator's samples vary {ratio} times as much as the real data "
        "(per-feature spread across a batch), from step {step_seen} to the end",
        explanation="A collapsed generator maps most noise vectors to the same few outputs: D then "
        "learns that one mode, G jumps to another, and the samples never cover the data.",
        fix="Check first that G's noise has scale 1 and reaches G unchanged; then give D a way to see "
        "diversity (minibatch std layer), use a loss less prone to collapse (WGAN-GP, hinge + spectral "
        "norm), or lower G's learning rate relative to D's.",
    ),
    "zh": Text(
        summary="从第 {step_seen} 步到结束，生成样本的多样性只有真实数据的 {ratio} 倍"
        "（按特征在一个批内的离散程度）",
        explanation="坍塌的生成器把大多数噪声映射到同样几个输出：D 学会识别这一个模式后 G 又跳到另一个，"
        "样本始终无法覆盖数据分布。",
        fix="先确认 G 的噪声尺度为 1 且原样送入 G；再让 D 能看到多样性（minibatch std 层），"
        "换用不易坍塌的损失（WGAN-GP、hinge + 谱归一化），或相对 D 降低 G 的学习率。",
    ),
}

RATIO = 0.05  # fake spread below this fraction of the real spread ...
WARMUP = 100  # ... ignoring the first steps, where a fresh G is still narrow ...
MIN_SAMPLES = 10  # ... over at least this many measurements after the warm-up ...
TAIL = 1 / 3  # ... in the last third of those measurements


def spread_ratios(run: RunEvents) -> tuple[float, list[tuple[int, float]]] | None:
    """(the real batches' median spread, G's spread over it at each measured step after the warm-up),
    or None with too few measurements to judge."""
    real = [s.real_diversity for s in run.stats if s.real_diversity is not None and s.real_diversity > 0]
    fake = [(s.step, s.fake_diversity) for s in run.stats
            if s.fake_diversity is not None and s.step > WARMUP]
    if not real or len(fake) < MIN_SAMPLES:
        return None
    spread = statistics.median(real)
    return spread, [(step, value / spread) for step, value in fake]


def tail_mean(ratios: list[tuple[int, float]]) -> float:
    """The mean ratio over the last third of the measurements, which is compared with RATIO."""
    return statistics.fmean(r for _, r in ratios[-max(int(len(ratios) * TAIL), MIN_SAMPLES // 2):])


def detect(run: RunEvents) -> list[Finding]:
    measured = spread_ratios(run)
    if measured is None:
        return []
    spread, ratios = measured
    if tail_mean(ratios) >= RATIO:
        return []
    above = [i for i, (_, r) in enumerate(ratios) if r >= RATIO]
    onset = ratios[above[-1] + 1][0] if above else ratios[0][0]
    entry = next((e for e in run.entries if run.roles.units.get(e.unit) == GENERATOR and not e.origin), None)
    location = (entry.data_location or entry.location) if entry else None  # where G's input is made
    return [
        Finding(
            ID,
            SEVERITY,
            onset,
            location,
            {"ratio": statistics.fmean(r for s, r in ratios if s >= onset), "step_seen": onset,
             "real_spread": spread},
        )
    ]
