"""generator-step-updates-discriminator: a Keras combined model trained while D is trainable moves D in
the generator's step; found at the combined train_on_batch (the freeze goes right before it). The
per-step toggle is silent."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..framework_runs import describe, doctor_json, errors, line_of
from .keras_gans import BACKENDS, KERAS_ENV, classic, needs_keras

ID = "generator-step-updates-discriminator"


@pytest.mark.parametrize("backend", BACKENDS)
def test_found_at_the_combined_step(tmp_path: Path, backend: str) -> None:
    needs_keras(backend)
    script = classic(tmp_path, "never")
    doc = doctor_json(script, 12, tmp_path, {"KERAS_BACKEND": backend})
    found = errors(doc)
    assert found and found[0]["id"] == ID, describe(doc)
    assert found[0]["location"]["line"] == line_of(script, "# bug: combined step")
    assert found[0]["evidence"]["d_changed"] == 4  # D's two kernels and two biases
    assert "trainable = False" in found[0]["fix"]


def test_silent_when_toggled_per_step(tmp_path: Path) -> None:
    needs_keras()
    doc = doctor_json(classic(tmp_path, "toggle"), 60, tmp_path, KERAS_ENV)
    assert not [f for f in errors(doc) if f["id"] == ID], describe(doc)
    assert doc["roles"]["known"], doc["roles"]
