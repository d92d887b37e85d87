"""learning-rate-too-high: first error on a real digits GAN with the bug, silent without it."""

from gandoctor.doctor.checks import learning_rate_too_high as check

from .digits_gan_b2 import ids, line_of, train


def test_found_first_with_the_bug():
    doc = train("lr-high", iterations=10, d_steps=1)
    errors = [f for f in doc.findings if f.severity == "error"]
    assert errors and errors[0].id == check.ID, doc.report()
    found = errors[0]
    assert found.location is not None and found.location.line == line_of("optimizer-d", 0)
    assert found.evidence["peak"] >= 1000 * found.evidence["baseline"]


def test_silent_on_the_same_loop_without_the_bug():
    doc = train("", iterations=10, d_steps=1)
    assert check.ID not in ids(doc) + ids(doc, "warning"), doc.report()


def _run_with_losses(losses):
    from gandoctor.doctor.events import OptimizerInfo, RunEvents, StepStats

    run = RunEvents(optimizers=[OptimizerInfo(0, "SGD", 0.5, [], None)])
    run.stats = [StepStats(step=i + 1, optimizer=0, loss=v) for i, v in enumerate(losses)]
    return run


def test_on_recorded_numbers_slow_drift_and_sudden_nan_are_not_a_blow_up():
    assert check.detect(_run_with_losses([0.7, 0.69, 0.71, 1.5, 3.0, 5.0, 8.0] * 5)) == []
    # a NaN with no growth before it is non-finite-loss's finding, not this one
    assert check.detect(_run_with_losses([0.7, 0.69, 0.71, 0.7, float("nan")])) == []
    found = check.detect(_run_with_losses([0.7, 0.69, 0.71, 40.0, 9e4, float("nan")]))
    assert [f.step for f in found] == [5]
