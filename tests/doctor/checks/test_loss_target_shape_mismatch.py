"""loss-target-shape-mismatch: found first, at its line, on a small real GAN; silent on correct twins."""

import pytest

from ..conftest import errors, first_error
from ..tiny_gan import line_of
from . import reported_gans as gans
from .reported_gans import watched

ID = "loss-target-shape-mismatch"


def test_found_first():
    doc = watched(lambda: gans.lsgan(sigmoid=False, vector_target=True))
    found = first_error(doc)
    assert found.id == ID, doc.report()
    assert found.location is not None and found.location.line == line_of("mse-target", gans)


def test_bce_size_error_is_explained_at_the_loss():
    """BCELoss raises on a (B,) target against (B, 1): the finding is the root cause of the crash."""
    doc = watched(lambda: gans.bce_targets(vector_target=True))
    found = first_error(doc)
    assert found.id == ID, doc.report()
    assert found.location is not None and found.location.line == line_of("bce-target", gans)
    crash = [f for f in doc.findings if f.id == "script-error"]
    assert crash and crash[0].explained_by == ID, doc.report()


@pytest.mark.parametrize("correct", [
    lambda: gans.lsgan(sigmoid=False),
    lambda: gans.bce_targets(vector_target=False),
])
def test_silent_on_correct(correct):
    doc = watched(correct)
    assert errors(doc) == [], doc.report()
