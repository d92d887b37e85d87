"""batch-norm-in-penalized-critic: a warning at the BatchNorm's line; silent with LayerNorm or no GP."""

import pytest

from ..conftest import errors
from ..tiny_gan import line_of
from . import reported_gans as gans
from .reported_gans import watched

ID = "batch-norm-in-penalized-critic"


def test_found():
    doc = watched(lambda: gans.wgan_gp(norm="batch"))
    assert errors(doc) == [], doc.report()
    found = [f for f in doc.findings if f.id == ID]
    assert found and found[0].severity == "warning", doc.report()
    assert found[0].location is not None and found[0].location.line == line_of("critic-bn", gans)


@pytest.mark.parametrize("correct", [
    lambda: gans.wgan_gp(norm="layer"),
    lambda: gans.batchnorm_init(1.0),  # BatchNorm in a G, no penalty
])
def test_silent_on_correct(correct):
    doc = watched(correct)
    assert not [f for f in doc.findings if f.id == ID], doc.report()
