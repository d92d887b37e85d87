"""train-step-updates-nothing: Keras 3 takes a model's trainable weights at its first train_on_batch, so
a discriminator frozen before it (the Keras 2 textbook order) never learns; found at the line that froze
it. The per-step toggle, the Keras 3 way, is silent."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..framework_runs import describe, doctor_json, errors, line_of
from .keras_gans import BACKENDS, KERAS_ENV, classic, needs_keras

ID = "train-step-updates-nothing"


@pytest.mark.parametrize("backend", BACKENDS)
def test_found_at_the_freeze(tmp_path: Path, backend: str) -> None:
    needs_keras(backend)
    script = classic(tmp_path, "before")
    doc = doctor_json(script, 12, tmp_path, {"KERAS_BACKEND": backend})
    found = errors(doc)
    assert found and found[0]["id"] == ID, describe(doc)
    assert found[0]["location"]["line"] == line_of(script, "# bug: frozen")
    assert found[0]["evidence"]["grads_none"] == found[0]["evidence"]["params"] == 4
    assert doc["roles"]["known"]
    # the torch-era reading of the same facts is the symptom, not the cause
    assert all(f["severity"] == "info" for f in doc["findings"] if f["id"] == "discriminator-frozen")


def test_silent_when_toggled_per_step(tmp_path: Path) -> None:
    needs_keras()
    doc = doctor_json(classic(tmp_path, "toggle"), 60, tmp_path, KERAS_ENV)
    assert errors(doc) == [], describe(doc)
    assert doc["roles"]["known"], doc["roles"]
