"""stale-fake-graph: found first, at its line, on a small real GAN; silent on correct twins."""

import pytest

from ..conftest import errors, first_error
from ..tiny_gan import line_of
from . import reported_gans as gans
from .reported_gans import watched

ID = "stale-fake-graph"


def test_found_first():
    doc = watched(lambda: gans.wgan_critic_loop(reuse_fake=True))
    found = first_error(doc)
    assert found.id == ID, doc.report()
    assert found.location is not None and found.location.line == line_of("critic-fake", gans)


@pytest.mark.parametrize("correct", [
    lambda: gans.wgan_critic_loop(reuse_fake=False),
])
def test_silent_on_correct(correct):
    doc = watched(correct)
    assert errors(doc) == [], doc.report()
