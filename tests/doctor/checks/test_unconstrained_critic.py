"""unconstrained-critic: found first, at its line, on a small real WGAN; silent on the constrained twins."""

import pytest

from ..conftest import errors, first_error
from ..tiny_gan import line_of
from . import reported_gans as gans
from .reported_gans import watched

ID = "unconstrained-critic"


@pytest.mark.parametrize(("constraint", "marker"), [("none", "critic-loss"), ("clip-early", "clip-early")])
def test_found_first(constraint, marker):
    doc = watched(lambda: gans.wgan(constraint))
    found = first_error(doc)
    assert found.id == ID, doc.report()
    assert found.location is not None and found.location.line == line_of(marker, gans)


@pytest.mark.parametrize("correct", [
    lambda: gans.wgan("clip"),
    lambda: gans.wgan("spectral"),
    lambda: gans.wgan("r1"),
    lambda: gans.wgan_gp(),
    lambda: gans.wasserstein_signs("flipped", "flipped"),
    lambda: gans.wgan_critic_loop(reuse_fake=False),
])
def test_silent_on_correct(correct):
    doc = watched(correct)
    assert errors(doc) == [], doc.report()
