"""TensorFlow 1.x graph code (``tf.compat.v1``): the optimizers' ``compute_gradients``/``apply_gradients``
and ``Session.run``.

Building a train op tells the doctor an optimizer, its ``var_list`` and its loss, and which gradients are
None (a variable the loss cannot reach). Running one is an optimizer step. At the first run of a train op
the graph is read (``graph.GraphReader``); during the probe, the values the checks need are read in a
run of the doctor's own just before the user's (``readonly.py``), so the user's run is unchanged; after
it, ``stats.py`` adds a few final outputs to some of the user's runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
from tensorflow.python.client import session as tf_session
from tensorflow.python.framework import ops as tf_ops
from tensorflow.python.training import optimizer as v1_optimizer
from tensorflow.python.util import nest

from gandoctor.doctor.adapters.tf import readonly
from gandoctor.doctor.adapters.tf.graph import GraphModel, GraphReader, Minimized, ancestors
from gandoctor.doctor.adapters.tf.stats import StepMonitor
from gandoctor.doctor.events import BackwardEvent, OptimizerInfo, ReinitializedEvent, StepEvent
from gandoctor.doctor.locations import array_source, assigned_name, passes_through, user_location
from gandoctor.doctor.recorder import Recorder


class GraphSession:
    def __init__(self, rec: Recorder) -> None:
        self.rec = rec
        self.reader = GraphReader(rec)
        self.built: dict[int, Any] = {}  # id(optimizer) -> construction line
        self.pending: dict[int, tuple[Any, list, Any]] = {}  # id(optimizer) -> (loss, grads, line)
        self.train_ops: dict[str, Minimized] = {}  # train op name -> what it applies
        self.models: dict[int, GraphModel] = {}  # id(graph) -> its reading
        self.step_lines: dict[int, Any] = {}
        self.monitor = StepMonitor(rec)
        self.rng = np.random.default_rng(0)  # the doctor's own samples for in-graph random ops (readonly.py)
        rec.on_probe_end.append(self._probe_ended)

    def _probe_ended(self) -> None:
        for model in self.models.values():
            self.monitor.watch(model)

    # --- building --------------------------------------------------------------------------
    def optimizer_built(self, opt: Any) -> None:
        self.built[id(opt)] = user_location()

    def gradients_built(self, opt: Any, loss: Any, grads: list, graph: Any) -> None:
        line = user_location()
        self.pending[id(opt)] = (loss, list(grads), line)
        if grads and all(g is None for g, _ in grads):  # the framework refuses to build this step
            self._no_gradient(opt, loss, list(grads), line, graph)

    def train_op_built(self, opt: Any, grads_and_vars: list, train_op: Any) -> None:
        loss, _, line = self.pending.pop(id(opt), (None, grads_and_vars, user_location()))
        index = self._register(opt, list(grads_and_vars), line)
        self.train_ops[train_op.name] = Minimized(index, loss, list(grads_and_vars), line)

    def _register(self, opt: Any, grads: list, line: Any) -> int:
        """An optimizer and the variables it trains (one unit: ``optimizer#k``)."""
        rec = self.rec
        rec.run.framework = "tensorflow"
        index = len(rec.run.optimizers)
        keys = []
        for _, var in grads:
            key = self.reader.param(var, f"optimizer#{index}")
            rec.run.params[key].optimizers.append(index)
            keys.append(key)
        lr = getattr(opt, "_lr", 0.0)
        location = self.built.get(id(opt)) or line
        rec.run.optimizers.append(OptimizerInfo(
            index, type(opt).__name__, float(lr) if isinstance(lr, (int, float)) else 0.0, keys, location,
            assigned_name(location)))
        return index

    def _no_gradient(self, opt: Any, loss: Any, grads: list, line: Any, graph: Any) -> None:
        """Every gradient of this loss is None (``tf.stop_gradient`` on G's output in G's loss): TF raises
        "No gradients provided" as the step is built. Read the graph now, for the roles and the cut, and
        record the gradient that reached none of the variables it was asked for."""
        rec = self.rec
        index = self._register(opt, grads, line)
        minimized = [*self.train_ops.values(), Minimized(index, loss, grads, line)]
        model = self.reader.read(graph, minimized, graph.get_collection(tf_ops.GraphKeys.GLOBAL_VARIABLES))
        self.reader.unmeasured(model)
        targets = [self.reader.keys[v.op.name] for _, v in grads]
        rec.run.backwards.append(BackwardEvent(rec.next_seq(), rec.step, len(rec.run.backwards), line, True,
                                               None, targets=targets))

    # --- running ---------------------------------------------------------------------------
    def reinitialized(self, fetched: list[Any]) -> None:
        """A run of parameters' initializers once training has begun (the initializer inside the loop)."""
        inits = self.reader.initializers
        keys: set[int] = set()
        for op in fetched:
            names = [op.name, *(c.name for c in op.control_inputs)] if op.type == "NoOp" else [op.name]
            keys.update(inits[n] for n in names if n in inits)
        if keys:
            rec = self.rec
            rec.run.reinitialized.append(ReinitializedEvent(rec.next_seq(), rec.step, sorted(keys),
                                                            user_location()))

    def feeds_seen(self, feed_dict: dict | None) -> None:
        """Where each placeholder's numpy data was made in the user's code (the line to fix for a data
        range bug), once per placeholder."""
        for key, value in (feed_dict or {}).items():
            name = key.op.name if hasattr(key, "op") else str(key).split(":")[0]
            if name not in self.reader.fed_lines:
                self.reader.fed_lines[name] = array_source(value)

    def train_ops_in(self, fetched: list[Any]) -> list[tuple[Any, Minimized]]:
        return [(op, self.train_ops[op.name]) for op in fetched if op.name in self.train_ops]

    def model(self, session: Any, original_run: Callable) -> GraphModel:
        graph = session.graph
        model = self.models.get(id(graph))
        if model is None:
            minimized = list(self.train_ops.values())
            variables = graph.get_collection(tf_ops.GraphKeys.GLOBAL_VARIABLES)
            model = self.models[id(graph)] = self.reader.read(graph, minimized, variables)
            self._initial_values(session, original_run, variables)
        return model

    def _initial_values(self, session: Any, original_run: Callable, variables: list) -> None:
        """The std of each parameter before the first step: a read of the variables alone (no op with
        state or randomness runs)."""
        held = [v for v in variables if v.op.name in self.reader.keys]
        values = original_run(session, held)
        for var, value in zip(held, values, strict=True):
            value = np.asarray(value)
            if value.size > 1:
                self.rec.run.params[self.reader.keys[var.op.name]].init_std = float(value.std())

    def probe_values(self, session: Any, run: Callable, model: GraphModel, train: list[tuple[Any, Minimized]],
                     fetched: set[str], feed_dict: dict | None) -> tuple[list, dict[str, np.ndarray]]:
        """The probes this run can answer (tensors it computes anyway) and each step's gradients, read in a
        run of the doctor's own just before the user's (``readonly.read``)."""
        probes = [p for p in model.probes if p.tensor.op.name in fetched]
        grads = [g for _, m in train for g, _ in m.grads if g is not None]
        values = readonly.read(session, run, [p.tensor for p in probes] + grads, feed_dict, self.rng)
        for p in probes:  # each is read once, but for the inputs (read at every probe run)
            if not p.repeat and p.tensor.name in values:
                model.probes.remove(p)
        return [p for p in probes if p.tensor.name in values], values

    def after_run(self, train: list[tuple[Any, Minimized]], probes: list, values: dict[str, np.ndarray],
                  monitored: list, monitored_values: list) -> None:
        rec = self.rec
        for probe in probes:
            rec.guard("tf probe", probe.taken, values[probe.tensor.name])
        for _, m in train:
            n_none = sum(1 for g, _ in m.grads if g is None)
            grads = [(values.get(g.name), var) for g, var in m.grads if g is not None]
            if not values or any(v is None for v, _ in grads):  # after the probe, or unreadable
                if monitored:
                    rec.guard("tf step stats", self.monitor.record, m.index, monitored, monitored_values)
                rec.step_taken(StepEvent(0, 0, m.index, len(m.grads), n_none, self.step_lines.get(m.index),
                                         probe=False))
                continue
            keys, zero, sq = [], 0, 0.0
            for value, var in grads:
                norm = float(np.sqrt(np.sum(np.square(np.asarray(value, dtype=np.float64)))))
                sq += norm * norm
                zero += norm == 0.0
                if norm > 0.0:
                    keys.append(self.reader.keys[var.op.name])
            backward = len(rec.run.backwards)
            rec.run.backwards.append(BackwardEvent(rec.next_seq(), rec.step, backward, m.location, True, None,
                                                   flags=list(m.flags), params=keys))
            line = self.step_lines[m.index] = user_location()
            rec.step_taken(StepEvent(0, 0, m.index, len(m.grads), n_none, line, True, zero, sq**0.5,
                                     None, [backward]))


def _fetch_ops(session: Any, fetches: Any) -> list[Any]:
    """The ops a ``Session.run`` fetches (tensors' ops, ops, names resolved in the session's graph);
    a flat list or tuple, the usual case, without ``nest.flatten``'s cost."""
    items = fetches if isinstance(fetches, (list, tuple)) and not any(
        isinstance(f, (list, tuple, dict)) for f in fetches) else nest.flatten(fetches)
    if not isinstance(items, (list, tuple)):
        items = [items]
    found = []
    for item in items:
        if isinstance(item, str):
            try:
                item = session.graph.as_graph_element(item)
            except (KeyError, ValueError, TypeError):
                continue
        if isinstance(item, tf_ops.Operation):
            found.append(item)
        elif hasattr(item, "op"):
            found.append(item.op)
    return found


def install(rec: Recorder) -> Callable[[], None]:
    state = GraphSession(rec)
    Optimizer = v1_optimizer.Optimizer
    original_init = Optimizer.__init__
    original_compute = Optimizer.compute_gradients
    original_apply = Optimizer.apply_gradients
    original_run = tf_session.BaseSession.run

    @passes_through
    @functools.wraps(original_init)
    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        rec.guard("tf optimizer init", state.optimizer_built, self)

    @passes_through
    @functools.wraps(original_compute)
    def compute_gradients(self: Any, loss: Any, *args: Any, **kwargs: Any) -> Any:
        result = original_compute(self, loss, *args, **kwargs)
        rec.guard("tf compute_gradients", state.gradients_built, self, loss, result, loss.graph)
        return result

    @passes_through
    @functools.wraps(original_apply)
    def apply_gradients(self: Any, grads_and_vars: Any, *args: Any, **kwargs: Any) -> Any:
        grads_and_vars = list(grads_and_vars)  # a zip() would be used up by the doctor otherwise
        train_op = original_apply(self, grads_and_vars, *args, **kwargs)
        rec.guard("tf apply_gradients", state.train_op_built, self, grads_and_vars, train_op)
        return train_op

    @passes_through
    @functools.wraps(original_run)
    def run(self: Any, fetches: Any, *args: Any, **kwargs: Any) -> Any:
        if not state.train_ops:
            return original_run(self, fetches, *args, **kwargs)
        fetched = rec.guard("tf session run", _fetch_ops, self, fetches) or []
        if rec.step and state.reader.initializers:
            rec.guard("tf initializers", state.reinitialized, fetched)
        train = state.train_ops_in(fetched)
        if not train:
            return original_run(self, fetches, *args, **kwargs)
        probes: list = []
        values: dict = {}
        monitored: list = []
        if rec.probe:
            feed_dict = args[0] if args else kwargs.get("feed_dict")
            rec.guard("tf feeds", state.feeds_seen, feed_dict)
            planned = rec.guard("tf probe read", _probe, state, self, fetched, train, feed_dict)
            if planned is not None:
                probes, values = planned
        else:
            monitored = rec.guard("tf step stats", state.monitor.plan, fetched, train) or []
        if monitored:
            both = (fetches, [t for _, t in monitored])
            result, monitored_values = original_run(self, both, *args, **kwargs)
        else:
            result, monitored_values = original_run(self, fetches, *args, **kwargs), []
        # raises StopTraining at --max-steps
        rec.guard("tf step", state.after_run, train, probes, values, monitored, monitored_values)
        return result

    def _probe(state: GraphSession, session: Any, fetched: list, train: list,
               feed_dict: dict | None) -> tuple:
        model = state.model(session, original_run)
        return state.probe_values(session, original_run, model, train, ancestors(fetched), feed_dict)

    Optimizer.__init__ = init
    Optimizer.compute_gradients = compute_gradients
    Optimizer.apply_gradients = apply_gradients
    tf_session.BaseSession.run = run

    def remove() -> None:
        Optimizer.__init__ = original_init
        Optimizer.compute_gradients = original_compute
        Optimizer.apply_gradients = original_apply
        tf_session.BaseSession.run = original_run

    return remove
