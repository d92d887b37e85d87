"""mode-collapse: first error on a real digits GAN with the bug, silent without it."""

import pytest

from gandoctor.doctor.checks import mode_collapse as check

from .digits_gan_b2 import ids, line_of, train


@pytest.mark.slow
def test_found_first_with_the_bug():
    doc = train("tiny-noise", iterations=150, d_steps=1)
    errors = [f for f in doc.findings if f.severity == "error"]
    assert errors and errors[0].id == check.ID, doc.report()
    found = errors[0]
    assert found.location is not None and found.location.line == line_of("tiny-noise")


@pytest.mark.slow
def test_silent_on_the_same_loop_without_the_bug():
    doc = train("", iterations=150, d_steps=1)
    assert check.ID not in ids(doc) + ids(doc, "warning"), doc.report()


def _tail_ratio(doc) -> float:
    """The fake/real spread the check compares with RATIO."""
    measured = check.spread_ratios(doc.run)
    assert measured is not None, "too few measurements"
    return check.tail_mean(measured[1])


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_the_threshold_sits_far_from_both_healthy_and_collapsed_runs(seed):
    """RATIO was chosen from the zoo's cat DCGAN (0.11-0.15 early on); on these digits runs, with seeds
    never looked at then, it must sit with a wide margin on both sides (measured: healthy 0.33-0.35,
    collapsed 0.005)."""
    healthy = _tail_ratio(train("", iterations=150, d_steps=1, seed=seed))
    collapsed = _tail_ratio(train("tiny-noise", iterations=150, d_steps=1, seed=seed))
    assert collapsed < check.RATIO / 4 and healthy > check.RATIO * 4, (healthy, collapsed)


def _run(fake_spread):
    from gandoctor.doctor.events import GENERATOR, Roles, RunEvents, StepStats

    run = RunEvents(roles=Roles(units={"G#0": GENERATOR}, known=True))
    run.stats = [StepStats(step=5 * i, optimizer=0, fake_diversity=v, real_diversity=1.0)
                 for i, v in enumerate(fake_spread)]
    return run


def test_on_recorded_numbers_a_narrow_start_is_not_collapse():
    assert check.detect(_run([0.02] * 30 + [0.8] * 40)) == []  # narrow for 150 steps, then healthy
    found = check.detect(_run([0.02] * 12 + [0.8] * 20 + [0.03] * 20))  # spread, then collapsed
    assert len(found) == 1 and found[0].step == 5 * 32
