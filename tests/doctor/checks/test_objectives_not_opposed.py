"""objectives-not-opposed: found first, at its line, on a small real GAN; silent on correct twins."""

import pytest

from ..conftest import errors, first_error
from ..tiny_gan import line_of
from . import reported_gans as gans
from .reported_gans import watched

ID = "objectives-not-opposed"


def test_found_first():
    doc = watched(lambda: gans.wasserstein_signs('standard', 'flipped'))
    found = first_error(doc)
    assert found.id == ID, doc.report()
    assert found.location is not None and found.location.line == line_of("g-sign", gans)


@pytest.mark.parametrize("correct", [
    lambda: gans.wasserstein_signs('standard', 'standard'),
    lambda: gans.wasserstein_signs('flipped', 'flipped'),
])
def test_silent_on_correct(correct):
    doc = watched(correct)
    assert errors(doc) == [], doc.report()


def test_the_critic_with_one_minus_over_both_terms():
    doc = watched(lambda: gans.wasserstein_signs("one-minus", "standard"))
    found = first_error(doc)
    assert found.id == ID, doc.report()
    assert found.location.line == line_of("one-minus", gans)
