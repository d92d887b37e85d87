"""discriminator-overpowering: first error on a real digits GAN with the bug, silent without it."""

import pytest

from gandoctor.doctor.checks import discriminator_overpowering as check

from .digits_gan_b2 import ids, line_of, train


@pytest.mark.slow
def test_found_first_with_the_bug():
    doc = train("strong-d", iterations=60, d_steps=5)
    errors = [f for f in doc.findings if f.severity == "error"]
    assert errors and errors[0].id == check.ID, doc.report()
    found = errors[0]
    assert found.location is not None and found.location.line == line_of("optimizer-d", 1)
    assert found.evidence["d_real"] > 0.95 and found.evidence["d_fake"] < 0.05


@pytest.mark.slow
def test_silent_on_the_same_loop_without_the_bug():
    doc = train("", iterations=60, d_steps=5)
    assert check.ID not in ids(doc) + ids(doc, "warning"), doc.report()


def test_on_recorded_numbers_only_for_bce_family_losses():
    from gandoctor.doctor.events import DISCRIMINATOR, LossCallEvent, Roles, RunEvents, StepStats, TensorStats

    def run_with(kind):
        stats = TensorStats((64, 1), 0.0, 1.0, 0.5, 0.1)
        run = RunEvents(roles=Roles(units={"D#0": DISCRIMINATOR}, known=True), steps=200)
        run.loss_calls = [LossCallEvent(0, 0, 0, kind, None, "linear", None, stats, ["D#0"])]
        run.stats = [StepStats(step=i, optimizer=0, d_real=9.0, d_fake=-9.0) for i in range(200)]
        return run

    assert [f.id for f in check.detect(run_with("bce_with_logits"))] == [check.ID]
    assert check.detect(run_with("mse")) == []  # least squares: outputs are not probabilities
