"""conditioning-ignored: found first, at the generator's call; silent when G reads its labels."""

from ..conftest import errors, first_error
from ..tiny_gan import line_of
from . import reported_gans as gans
from .reported_gans import watched

ID = "conditioning-ignored"


def test_found_first():
    doc = watched(lambda: gans.conditional(use_labels=False))
    found = first_error(doc)
    assert found.id == ID, doc.report()
    assert found.location is not None and found.location.line == line_of("g-call", gans)
    assert found.evidence["position"] == 2


def test_silent_on_correct():
    doc = watched(lambda: gans.conditional(use_labels=True))
    assert errors(doc) == [], doc.report()
