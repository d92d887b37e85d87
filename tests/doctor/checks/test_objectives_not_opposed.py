"""objectives-not-opposed: found first, at its line, on a small real GAN; silent on correct twins."""

import pytest

import gandoctor
from gandoctor.doctor.api import Doctor

from ..conftest import errors, first_error
from ..tiny_gan import line_of
from . import reported_gans as gans

ID = "objectives-not-opposed"


def _watch(train) -> Doctor:
    doc = gandoctor.watch()
    try:
        with doc:
            train()
    except RuntimeError:
        pass  # the crash bugs raise; the doctor still reports
    return doc


def test_found_first():
    doc = _watch(lambda: gans.wasserstein_signs('standard', 'flipped'))
    found = first_error(doc)
    assert found.id == ID, doc.report()
    assert found.location is not None and found.location.line == line_of("g-sign", gans)


@pytest.mark.parametrize("correct", [
    lambda: gans.wasserstein_signs('standard', 'standard'),
    lambda: gans.wasserstein_signs('flipped', 'flipped'),
])
def test_silent_on_correct(correct):
    doc = _watch(correct)
    assert errors(doc) == [], doc.report()


def test_the_critic_with_one_minus_over_both_terms():
    doc = _watch(lambda: gans.wasserstein_signs("one-minus", "standard"))
    found = first_error(doc)
    assert found.id == ID, doc.report()
    assert found.location.line == line_of("one-minus", gans)
