"""norm-scale-near-zero: found first, at its line, on a small real GAN; silent on correct twins."""

import pytest

import gandoctor
from gandoctor.doctor.api import Doctor

from ..conftest import errors, first_error
from ..tiny_gan import line_of
from . import reported_gans as gans

ID = "norm-scale-near-zero"


def _watch(train) -> Doctor:
    doc = gandoctor.watch()
    try:
        with doc:
            train()
    except RuntimeError:
        pass  # the crash bugs raise; the doctor still reports
    return doc


def test_found_first():
    doc = _watch(lambda: gans.batchnorm_init(0.0))
    found = first_error(doc)
    assert found.id == ID, doc.report()
    assert found.location is not None and found.location.line == line_of("bn-init", gans)


@pytest.mark.parametrize("correct", [
    lambda: gans.batchnorm_init(1.0),
])
def test_silent_on_correct(correct):
    doc = _watch(correct)
    assert errors(doc) == [], doc.report()
