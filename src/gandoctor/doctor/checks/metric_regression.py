"""metric-regression: a quality metric got clearly better, then clearly worse, and stayed worse.

Published best-FID figures hide runs that later collapse (StudioGAN's DCGAN on CIFAR-10: FID 49 at
step 42k, 137 at 200k). The trainer feeds every evaluation through `Doctor.record_metric`; this
check compares each metric's later values with its best. Distances (fid, fd, kid: lower is better)
and coverage (modes, classes_hit: higher is better) are watched.
"""

from __future__ import annotations

from gandoctor.doctor.events import MetricEvent, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "metric-regression"
SEVERITY = "warning"
PRIORITY = 70  # a symptom: structural causes explain it when present
EXPLAINS: set[str] = set()

LOWER_IS_BETTER = ("fid", "fd", "kid")
HIGHER_IS_BETTER = ("modes", "classes_hit")
IMPROVED = 0.8  # the good phase: best <= 0.8 x first value (distances) ...
REGRESSED = 1.5  # ... then the last value >= 1.5 x best
STAYED = 1.2  # and the last MIN_AFTER evaluations are all >= 1.2 x best (no recovery)
MIN_AFTER = 2

TEXT = {
    "en": Text(
        summary="{metric} got worse after a good phase: best {best} at step {best_step}, "
        "{last} at step {last_step} ({ratio}x worse)",
        explanation="The samples were better earlier in the run and did not recover: training "
        "collapsed or diverged after the best point. The final checkpoint is not the best one.",
        fix="Use checkpoints/best.pt (kept by this metric), stop earlier, or stabilise the late phase: "
        "lower both learning rates, add spectral norm to D, or keep an EMA of G (--ema 0.999).",
    ),
    "zh": Text(
        summary="{metric} 在表现良好之后变差：第 {best_step} 步最佳为 {best}，第 {last_step} 步为 {last}"
        "（差了 {ratio} 倍）",
        explanation="训练早期的样本更好，之后没有恢复：训练在最佳点之后崩溃或发散。最后的检查点不是最好的。",
        fix="使用 checkpoints/best.pt（按该指标保存），提前停止，或稳定后期训练："
        "降低两个学习率、给 D 加谱归一化，或保留 G 的 EMA（--ema 0.999）。",
    ),
}


def _regression(metric: str, series: list[tuple[int, float]], lower_is_better: bool) -> Finding | None:
    """A finding when `series` (step, value) improved clearly, then regressed and stayed regressed."""
    if not lower_is_better:  # turn "higher is better" into a positive cost so the rules are the same
        series = [(step, 1.0 / max(value, 1e-9)) for step, value in series]
    if len(series) < 1 + 1 + MIN_AFTER or any(v <= 0 for _, v in series):
        return None
    best_index = min(range(len(series)), key=lambda i: series[i][1])
    first, (best_step, best) = series[0][1], series[best_index]
    after = series[best_index + 1 :]
    if best > IMPROVED * first or len(after) < MIN_AFTER:
        return None
    last_step, last = after[-1]
    if last < REGRESSED * best or min(v for _, v in after[-MIN_AFTER:]) < STAYED * best:
        return None
    first_bad = next(step for step, v in after if v >= REGRESSED * best)
    shown = (lambda v: v) if lower_is_better else (lambda v: 1.0 / v)
    return Finding(
        ID,
        SEVERITY,
        first_bad,
        None,
        {
            "metric": metric,
            "best": shown(best),
            "best_step": best_step,
            "last": shown(last),
            "last_step": last_step,
            "ratio": round(last / best, 2),
        },
    )


def detect(run: RunEvents) -> list[Finding]:
    findings = []
    for metric, lower in [(m, True) for m in LOWER_IS_BETTER] + [(m, False) for m in HIGHER_IS_BETTER]:
        series = _series(run.metrics, metric)
        found = _regression(metric, series, lower)
        if found is not None:
            findings.append(found)
            break  # one metric is enough to say it; the first watched one present wins
    return findings


def _series(events: list[MetricEvent], metric: str) -> list[tuple[int, float]]:
    return sorted(
        (e.step, float(e.values[metric]))
        for e in events
        if isinstance(e.values.get(metric), int | float) and e.values[metric] == e.values[metric]
    )
