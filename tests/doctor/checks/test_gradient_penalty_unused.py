"""gradient-penalty-unused: found first, at its line, on a small real WGAN-GP; silent on the twin."""

from ..conftest import errors, first_error
from ..tiny_gan import line_of
from . import reported_gans as gans
from .reported_gans import watched

ID = "gradient-penalty-unused"


def test_found_first():
    doc = watched(lambda: gans.wgan_gp(add_penalty=False))
    found = first_error(doc)
    assert found.id == ID, doc.report()
    assert found.location is not None and found.location.line == line_of("gp-grad", gans)


def test_silent_on_correct():
    doc = watched(lambda: gans.wgan_gp())
    assert errors(doc) == [], doc.report()
