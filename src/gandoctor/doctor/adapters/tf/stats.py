"""Cheap per-step numbers (``StepStats``) for the statistical checks on TF1 graph code, after the probe.

Once the probe has ended and the roles are known, a train step's ``Session.run`` also fetches, among the
tensors it computes anyway: the scores the losses take from D on real and on generated batches (their
means are D(real) and D(fake)) and the step's loss; every SAMPLE_EVERY-th run also the generated batch D
consumes (its spread across the batch), and the real batch for its first REAL_SAMPLES samples. Which
fetched ops a run depends on is worked out once per kind of run (the same fetches).

An extra fetch costs the Python of ``Session.run``'s fetch handling, about a tenth of a small MLP step.
The first DENSE_RUNS train runs after the probe are all read (``gandoctor run`` watches 200 steps, and the
statistical checks need most of them); after that, two runs in every SPARSE_PERIOD (two in a row, so
that a D step / G step loop cannot dodge it), which a long ``watch()`` barely notices.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gandoctor.doctor import roles as roles_module
from gandoctor.doctor.adapters.tf.graph import GraphModel, Minimized, ancestors
from gandoctor.doctor.events import DISCRIMINATOR, GENERATOR, StepStats
from gandoctor.doctor.recorder import Recorder

DENSE_RUNS = 400
SPARSE_PERIOD = 64
SAMPLE_EVERY = 10
REAL_SAMPLES = 20  # the real batches' spread is measured this many times, then known


def _diversity(value: np.ndarray) -> float:
    flat = np.asarray(value, dtype=np.float64).reshape(len(value), -1)
    return float(flat.std(0).mean()) if len(flat) > 1 else 0.0


class StepMonitor:
    def __init__(self, rec: Recorder) -> None:
        self.rec = rec
        self.watched: dict[str, list[Any]] = {}  # StepStats field -> tensors that give it
        self._depends: dict[tuple[str, ...], set[str]] = {}
        self._runs = 0
        self._real_samples = 0

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

    def plan(self, fetched: list[Any], train: list[tuple[Any, Minimized]]) -> list[tuple[str, Any]]:
        """(field, tensor) pairs to fetch with this run: only tensors the run computes anyway."""
        if not self.watched:
            return []
        self._runs += 1
        if self._runs > DENSE_RUNS and self._runs % SPARSE_PERIOD >= 2:
            return []
        key = tuple(op.name for op in fetched)
        depends = self._depends.get(key)
        if depends is None:
            depends = self._depends[key] = ancestors(fetched)
        sampled = {"fake_diversity"} if self._runs % SAMPLE_EVERY in (0, 1) else set()
        if sampled and self._real_samples < REAL_SAMPLES:
            sampled.add("real_diversity")
        wanted = [(name, t) for name, tensors in self.watched.items() for t in tensors
                  if t.op.name in depends and (name in sampled or not name.endswith("diversity"))]
        self._real_samples += any(name == "real_diversity" for name, _ in wanted)
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
