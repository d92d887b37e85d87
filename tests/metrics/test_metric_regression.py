"""metric-regression on recorded evaluations: StudioGAN's collapse shape is flagged, healthy runs are not."""

from __future__ import annotations

from gandoctor.doctor.checks import metric_regression
from gandoctor.doctor.events import MetricEvent, RunEvents


def run_with(metric: str, values: list[float], every: int = 1000) -> RunEvents:
    return RunEvents(
        metrics=[MetricEvent(step=(i + 1) * every, values={metric: v}) for i, v in enumerate(values)]
    )


def test_studiogan_dcgan_shape_is_flagged_at_the_first_bad_step():
    # FID falls to 49 around step 42k, then climbs to 137 by step 200k (StudioGAN's DCGAN log, CIFAR-10).
    fids = [180, 90, 60, 49, 55, 80, 110, 137]
    steps = [2_000, 10_000, 20_000, 42_000, 60_000, 100_000, 150_000, 200_000]
    run = RunEvents(metrics=[MetricEvent(s, {"fid": v}) for s, v in zip(steps, fids, strict=True)])
    (finding,) = metric_regression.detect(run)
    assert finding.id == "metric-regression" and finding.severity == "warning"
    assert finding.evidence["best"] == 49 and finding.evidence["best_step"] == 42_000
    assert finding.step == 100_000  # first evaluation >= 1.5 x best
    assert finding.evidence["ratio"] == 2.8
    assert "42000" in finding.text("en").summary and "42000" in finding.text("zh").summary


def test_steadily_improving_or_noisy_runs_are_not_flagged():
    assert metric_regression.detect(run_with("fd", [900, 500, 300, 200, 150, 140])) == []
    assert metric_regression.detect(run_with("fd", [900, 300, 330, 290, 310, 300])) == []  # noise
    assert metric_regression.detect(run_with("fd", [900, 300, 600, 310])) == []  # recovered
    assert metric_regression.detect(run_with("fd", [300, 310, 900, 950])) == []  # never had a good phase


def test_lost_modes_count_as_regression():
    (finding,) = metric_regression.detect(run_with("modes", [200, 700, 950, 600, 400, 300]))
    assert finding.evidence["metric"] == "modes" and finding.evidence["best"] == 950
    assert finding.evidence["last"] == 300
