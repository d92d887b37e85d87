"""Cheap per-step numbers of Keras train steps (after the probe), for the statistical checks.

From values the script hands over or gets back anyway, never from an extra forward pass: the loss a
train step returns (``train_on_batch`` turns it into a number right after; Keras resets its metrics at
each ``train_on_batch``, so it is this batch's loss), the sum of a real batch given to D and of the
noise given to the generator (to tell a batch or a noise vector that never changes). Which model is D
or G comes from the roles worked out at the end of the probe. D's scores and the spread of G's samples
have no such free source: they stay None, and the checks that need them are silent on Keras runs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gandoctor.doctor import roles as roles_module
from gandoctor.doctor.adapters.keras3 import models
from gandoctor.doctor.adapters.keras3.state import KerasState
from gandoctor.doctor.events import DISCRIMINATOR, GENERATOR


def at_probe_end(state: KerasState) -> None:
    roles = roles_module.infer(state.rec.run, state.rec.named_roles)
    state.role_units = {role: {u for u, r in roles.units.items() if r == role}
                        for role in (GENERATOR, DISCRIMINATOR)}


def numbers(state: KerasState, model: Any, batch: Any, logs: Any) -> dict[str, float]:
    found: dict[str, float] = {}
    loss = logs.get("loss") if isinstance(logs, dict) else None
    if loss is not None:
        found["loss"] = float(np.asarray(loss))
    if isinstance(batch, np.ndarray) and batch.dtype.kind == "f" and state.unit_outputs.get(batch) is None:
        first = state.first_units.get(model)
        if first is None:
            first = set(models.first_units(state, model))
            state.first_units.put(model, first)
        if first & state.role_units.get(DISCRIMINATOR, set()):
            found["real_fingerprint"] = float(batch.sum(dtype=np.float64))
        elif first & state.role_units.get(GENERATOR, set()):
            found["noise_fingerprint"] = float(batch.sum(dtype=np.float64))
    return found
