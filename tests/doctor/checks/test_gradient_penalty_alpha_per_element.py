"""gradient-penalty-alpha-per-element: found first, at its line; silent on per-sample alphas, including
one drawn as (B, 1) and expanded to the image's shape (the values decide, not the shape)."""

import pytest

from ..conftest import errors, first_error
from ..tiny_gan import line_of
from . import reported_gans as gans
from .reported_gans import watched

ID = "gradient-penalty-alpha-per-element"


def test_found_first():
    doc = watched(lambda: gans.wgan_gp(alpha="element"))
    found = first_error(doc)
    assert found.id == ID, doc.report()
    assert found.location is not None and found.location.line == line_of("gp-mix", gans)


@pytest.mark.parametrize("alpha", ["sample", "expanded"])
def test_silent_on_correct(alpha):
    doc = watched(lambda: gans.wgan_gp(alpha=alpha))
    assert errors(doc) == [], doc.report()
