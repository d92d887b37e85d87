"""device-mismatch: the crash names the line that made the stray tensor, not the layer that raised.

Without a GPU, the meta device stands in for CUDA (torch raises the same kind of device error); the
check reads only the devices' names."""

from ..conftest import errors, first_error
from ..tiny_gan import line_of
from . import reported_gans as gans
from .reported_gans import watched

ID = "device-mismatch"


def test_found_first():
    doc = watched(lambda: gans.two_devices(stray=True))
    found = first_error(doc)
    assert found.id == ID, doc.report()
    assert found.location is not None and found.location.line == line_of("noise", gans)
    assert found.evidence["stray"] == "cpu" and found.evidence["device"] == "meta"


def test_silent_on_correct():
    doc = watched(lambda: gans.two_devices(stray=False, device="cpu"))
    assert errors(doc) == [], doc.report()
