"""Cheap per-step numbers (``StepStats``) for the statistical checks on TF1 graph code, after the probe.

Once the probe has ended and the roles are known, each train step's ``Session.run`` also fetches, among
the tensors it computes anyway: the scores the losses take from D on real and on generated batches
(their means are D(real) and D(fake)), every SAMPLE_EVERY-th run the real and generated batches D
consumes (their spread across the batch), and the loss of each step. Which fetched ops a run depends on
is worked out once per kind of run (the same fetches), not at every step.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gandoctor.doctor import roles as roles_module
from gandoctor.doctor.adapters.tf.graph import GraphModel, Minimized, ancestors
from gandoctor.doctor.events import DISCRIMINATOR, GENERATOR, StepStats
from gandoctor.doctor.recorder import Recorder

SAMPLE_EVERY = 5


def _diversity(value: np.ndarray) -> float:
    flat = np.asarray(value, dtype=np.float64).reshape(len(value), -1)
    return float(flat.std(0).mean()) if len(flat) > 1 else 0.0


class StepMonitor:
    def __init__(self, rec: Recorder) -> None:
        self.rec = rec
        self.watched: dict[str, list[Any]] = {}  # StepStats field -> tensors that give it
        self._depends: dict[tuple[str, ...], set[str]] = {}
        self._runs = 0

    def watch(self, model: GraphModel) -> None:
        """Pick the tensors once the probe has ended (the roles tell real from generated)."""
        roles = roles_module.infer(self.rec.run)
        if not roles.known:
            return
        d = {u for u, r in roles.units.items() if r == DISCRIMINATOR}
        g = {u for u, r in roles.units.items() if r == GENERATOR}
        self.watched = {
            "d_real": [t for t, units in model.scores if units and set(units) <= d],
            "d_fake": [t for t, units in model.scores if set(units) & d and set(units) & g],
            "real_diversity": [t for t, unit, origin in model.inputs if unit in d and not origin],
            "fake_diversity": [t for t, unit, origin in model.inputs if unit in d and set(origin) & g],
        }

    def plan(self, fetch_ops: list[Any], train: list[tuple[Any, Minimized]]) -> list[tuple[str, Any]]:
        """(field, tensor) pairs to fetch with this run: only tensors the run computes anyway."""
        if not self.watched:
            return []
        key = tuple(op.name for op in fetch_ops)
        depends = self._depends.get(key)
        if depends is None:
            depends = self._depends[key] = ancestors(fetch_ops)
        self._runs += 1
        sampled = self._runs % SAMPLE_EVERY == 1
        wanted = [(name, t) for name, tensors in self.watched.items() for t in tensors
                  if t.op.name in depends and (sampled or not name.endswith("diversity"))]
        wanted += [("loss", m.loss) for _, m in train if m.loss is not None and m.loss.op.name in depends]
        return wanted

    def record(self, index: int, planned: list[tuple[str, Any]], values: list[Any]) -> None:
        """One StepStats for the step just taken by optimizer ``index``."""
        found: dict[str, list[float]] = {}
        for (name, _), value in zip(planned, values, strict=True):
            if name.endswith("diversity"):
                found.setdefault(name, []).append(_diversity(value))
            else:
                found.setdefault(name, []).append(float(np.mean(value)))
        mean = {k: float(np.mean(v)) for k, v in found.items()}
        self.rec.run.stats.append(StepStats(self.rec.step, index, **mean))
