"""optimizer-without-gradient: an optimizer of no known role whose parameters never get a gradient.

One autoencoder, no GAN, so roles stay unknown on purpose: this check needs none and must still run.
"""

import pytest
import torch
from torch import nn

import gandoctor

from ..conftest import errors, first_error
from ..tiny_gan import digits

ID = "optimizer-without-gradient"


def _autoencoder(detach_code: bool):
    torch.manual_seed(0)
    x = digits()[:256]
    encoder, decoder = nn.Linear(64, 8), nn.Linear(8, 64)
    with gandoctor.watch() as doc:
        opt_enc = torch.optim.Adam(encoder.parameters(), lr=1e-3)
        opt_dec = torch.optim.Adam(decoder.parameters(), lr=1e-3)
        for _ in range(6):
            code = encoder(x).detach() if detach_code else encoder(x)
            loss = ((decoder(code) - x) ** 2).mean()
            opt_enc.zero_grad()
            opt_dec.zero_grad()
            loss.backward()
            opt_enc.step()
            opt_dec.step()
    return doc


def test_found_first_without_roles():
    doc = _autoencoder(detach_code=True)
    assert not doc.run.roles.known
    found = first_error(doc)
    assert found.id == ID, doc.report()
    assert found.location is not None and found.location.line == _line_of("opt_enc = ")
    assert found.evidence["opt_name"] == "opt_enc"  # the script's own name, for a fix it can paste
    assert "opt_enc.step()" in found.text().fix


@pytest.mark.parametrize("detach_code", [False])
def test_silent_on_correct(detach_code):
    doc = _autoencoder(detach_code)
    assert errors(doc) == [], doc.report()


def _line_of(text: str) -> int:
    import inspect

    lines, start = inspect.getsourcelines(_autoencoder)
    return start + next(i for i, s in enumerate(lines) if text in s)
