"""gradient-penalty-input-without-grad: the crash is traced to the line that made the interpolates."""

from ..conftest import errors, first_error
from ..tiny_gan import line_of
from . import reported_gans as gans
from .reported_gans import watched

ID = "gradient-penalty-input-without-grad"


def test_found_first():
    doc = watched(lambda: gans.wgan_gp(mark_input=False))
    found = first_error(doc)
    assert found.id == ID, doc.report()
    assert found.location is not None and found.location.line == line_of("gp-mix", gans)
    crash = [f for f in doc.findings if f.id == "script-error"]
    assert crash and crash[0].explained_by == ID, doc.report()


def test_silent_on_correct():
    doc = watched(lambda: gans.wgan_gp())
    assert errors(doc) == [], doc.report()
