"""Reading a TensorFlow 1.x (``tf.compat.v1``) graph into events, once the script runs its first train op.

By then the graph holds everything the doctor needs: each optimizer's loss and ``var_list`` (recorded by
the wrappers in ``session.py``), the variables, and every op with the stack that created it. The walk:

- units: the variables one optimizer trains form one network (``optimizer#k``); trainable variables that
  a loss reaches but no optimizer holds are grouped by the call that created them (``network#k``);
- entries: an op that reads a unit's variable and another tensor the unit did not compute is that unit
  consuming an input (data from a placeholder, or another unit's output): what roles are inferred from;
- a network built twice by the same code (same creating lines, same shapes) is a copy of the other;
- affine ops that follow each other with only reshapes, bias adds or batch norms between them, sigmoid and
  tanh ops behind an affine op (their input is measured), and with-logits losses (their input's producer).

Values (a sigmoid's input, a loss's logits and labels, the consumed data) are ``Probe``s: tensors that a
user's ``run`` computes, read by the session wrapper in a read-only run of its own (``readonly.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gandoctor.doctor.adapters.tf import ops
from gandoctor.doctor.events import (
    AFFINE,
    SIGMOID,
    TANH,
    ActivationEvent,
    AffineChainEvent,
    CutEvent,
    EntryEvent,
    Location,
    LossCallEvent,
    NetworkCopyEvent,
    ParamInfo,
    TensorStats,
)
from gandoctor.doctor.recorder import Recorder

SQUASH = {SIGMOID: 5.0, TANH: 2.5}  # |x| beyond which the unit is saturated (the torch probe's thresholds)


@dataclass
class Minimized:
    """One optimizer's update as the script built it: ``compute_gradients`` (the loss) and
    ``apply_gradients`` (the train op)."""

    index: int
    loss: Any | None
    grads: list[tuple[Any, Any]]  # (gradient tensor or None, variable)
    location: Location | None  # where the gradients were built (``opt.minimize(loss)``)
    flags: list[str] = field(default_factory=list)  # "loss:<index>" of the loss calls inside the loss


@dataclass
class Probe:
    """A tensor to read once, in the first run that computes it anyway."""

    tensor: Any
    taken: Callable[[np.ndarray], None]
    repeat: bool = False  # read at every probe run that computes it (data and noise: constant inputs)


@dataclass
class GraphModel:
    probes: list[Probe] = field(default_factory=list)
    # for the per-step numbers after the probe (stats.py): what each unit consumed, and the scores fed
    # to the losses, with the units behind them
    inputs: list[tuple[Any, str, list[str]]] = field(default_factory=list)  # (tensor, unit, origin)
    scores: list[tuple[Any, list[str]]] = field(default_factory=list)  # (loss input, its units)


def stats(value: np.ndarray) -> TensorStats:
    v = np.asarray(value, dtype=np.float64)
    if v.size == 0:
        return TensorStats(tuple(v.shape), 0.0, 0.0, 0.0, 0.0)
    return TensorStats(tuple(v.shape), float(v.min()), float(v.max()), float(v.mean()), float(v.std()))


def ancestors(ops_: list[Any]) -> set[str]:
    """Names of the ops the given ops depend on, themselves included (data and control inputs)."""
    seen: set[str] = set()
    stack = list(ops_)
    while stack:
        op = stack.pop()
        if op.name in seen:
            continue
        seen.add(op.name)
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
    return seen


class GraphReader:
    """Turns one graph and its optimizers into events; keeps the variable -> param key map."""

    def __init__(self, rec: Recorder) -> None:
        self.rec = rec
        self.keys: dict[str, int] = {}  # variable op name -> param key
        self.loss_ops: dict[int, str] = {}  # loss call index -> the op that marks it in the graph
        self.initializers: dict[str, int] = {}  # a parameter's initializer op name -> its key
        # placeholder op name -> the user line that made the array fed to it (locations.array_source)
        self.fed_lines: dict[str, Location | None] = {}

    # --- parameters ---------------------------------------------------------------------------
    def param(self, var: Any, unit: str) -> int:
        name = var.op.name
        key = self.keys.get(name)
        if key is not None:
            return key
        key = len(self.rec.run.params)
        self.keys[name] = key
        initializer = getattr(var, "initializer", None)
        if initializer is not None:
            self.initializers[initializer.name] = key
        shape = _shape(var)
        self.rec.run.params[key] = ParamInfo(
            key=key, name=f"{unit}.variable[{'x'.join(str(s) for s in shape)}]", shape=shape, unit=unit,
            init_location=ops.init_location(var),
        )
        self.rec.run.units.setdefault(unit, []).append(key)
        return key

    # --- the walk -----------------------------------------------------------------------------
    def read(self, graph: Any, minimized: list[Minimized], variables: list[Any]) -> GraphModel:
        model = GraphModel()
        losses = [m.loss for m in minimized if m.loss is not None]
        forward_names = ancestors([t.op for t in losses])
        forward = [op for op in graph.get_operations() if op.name in forward_names]
        self._untrained_units(forward, variables)
        units = self._propagate(forward)
        self._entries(model, forward, units)
        self._cuts(forward, units)
        self._chains(forward)
        self._activations(model, forward, units)
        self._losses(model, forward, units)
        self._logs(model, forward, units, losses)
        for m in minimized:  # which loss calls each optimizer's loss is made of (as a backward's flags)
            inside = ancestors([m.loss.op]) if m.loss is not None else set()
            m.flags = [f"loss:{i}" for i, name in self.loss_ops.items() if name in inside]
        return model

    def _untrained_units(self, forward: list[Any], variables: list[Any]) -> None:
        """Trainable variables a loss reaches but no optimizer holds. One made by the same line, with the
        same shape, as a trained variable belongs to a copy of that variable's network, made by the call
        where the two creating stacks part; copies are grouped by that call, other variables by the
        outermost call that made them."""
        trainable = {v.op.name: v for v in variables if getattr(v, "trainable", True)}
        by_name = {op.name: op for op in forward}
        trained: dict[tuple, list[tuple[list[Location], str]]] = {}  # (line, shape) -> (stack, unit)
        for name, key in self.keys.items():
            if name in by_name:
                info = self.rec.run.params[key]
                frames = ops.user_frames(by_name[name])
                line = frames[-1] if frames else None
                trained.setdefault((line, info.shape), []).append((frames, info.unit))
        groups: dict[tuple, list[Any]] = {}  # (call, original unit or "") -> variables
        for op in forward:
            if op.type not in ops.VARIABLE_OPS or op.name not in trainable or op.name in self.keys:
                continue
            frames = ops.user_frames(op)
            shape = _shape(trainable[op.name])
            twins = trained.get((frames[-1] if frames else None, shape), [])
            call, original = (frames[0] if frames else None), ""
            for stack, unit in twins:
                parted = _first_difference(frames, stack)
                if parted is not None:
                    call, original = parted, unit
                    break
            groups.setdefault((call, original), []).append(trainable[op.name])
        for n, ((call, original), group) in enumerate(groups.items()):
            unit = f"network#{n}"
            for var in group:
                self.param(var, unit)
            if original:
                self.rec.run.copies.append(
                    NetworkCopyEvent(self.rec.next_seq(), self.rec.step, unit, original, call))

    def _propagate(self, forward: list[Any]) -> dict[str, frozenset[str]]:
        """For each forward op, the units whose variables its value depends on (graph order is a
        topological order)."""
        units: dict[str, frozenset[str]] = {}
        for op in forward:
            key = self.keys.get(op.name) if op.type in ops.VARIABLE_OPS else None
            if key is not None:
                units[op.name] = frozenset([self.rec.run.params[key].unit])
                continue
            found: frozenset[str] = frozenset()
            for t in op.inputs:
                found |= units.get(t.op.name, frozenset())
            units[op.name] = found
        return units

    def _unit_of_op(self, op: Any) -> str | None:
        """The unit of the variable an op reads directly (a parametrised op), else None."""
        for t in op.inputs:
            var = ops.variable_op(t)
            if var is not None and var.name in self.keys:
                return self.rec.run.params[self.keys[var.name]].unit
        return None

    def _entries(self, model: GraphModel, forward: list[Any], units: dict[str, frozenset[str]]) -> None:
        rec = self.rec
        seen: set[tuple[str, str]] = set()
        for op in forward:
            unit = self._unit_of_op(op)
            if unit is None:
                continue
            for t in op.inputs:
                if ops.variable_op(t) is not None or unit in units.get(t.op.name, ()):
                    continue
                if (unit, t.name) in seen or not t.dtype.is_floating:
                    continue
                seen.add((unit, t.name))
                origin = sorted(units.get(t.op.name, frozenset()))
                made = ops.producer(t)

                def taken(value: np.ndarray, unit: str = unit, origin: list[str] = origin, op: Any = op,
                          made: Any = made) -> None:
                    made_at = self.fed_lines.get(made.name) or ops.op_location(made)
                    rec.run.entries.append(EntryEvent(
                        rec.next_seq(), rec.step, unit, origin, False, stats(value), ops.op_location(op),
                        made_at, ops.op_kind(made)))

                model.probes.append(Probe(t, taken, repeat=True))
                model.inputs.append((t, unit, origin))

    def _cuts(self, forward: list[Any], units: dict[str, frozenset[str]]) -> None:
        """``tf.stop_gradient`` on a tensor some units computed: no gradient flows back to them."""
        for op in forward:
            if op.type == "StopGradient" and op.inputs and units.get(op.inputs[0].op.name):
                self.rec.run.cuts.append(CutEvent(self.rec.next_seq(), self.rec.step, "stop_gradient",
                                                  sorted(units[op.inputs[0].op.name]), ops.op_location(op)))

    def unmeasured(self, model: GraphModel) -> None:
        """The script will never run this graph (it crashed while building it): its entries still say who
        consumes what, for the roles, with no values."""
        for probe in model.probes:
            if probe.repeat:
                probe.taken(np.zeros((0,), dtype=np.float32))
        model.probes.clear()

    def _chains(self, forward: list[Any]) -> None:
        names = {op.name for op in forward}
        for op in forward:
            unit = self._unit_of_op(op)
            if unit is None or ops.op_kind(op) != AFFINE:
                continue
            frontier = [c for t in op.outputs for c in t.consumers() if c.name in names]
            seen: set[str] = set()
            while frontier:
                nxt = frontier.pop()
                if nxt.name in seen:
                    continue
                seen.add(nxt.name)
                if ops.op_kind(nxt) == AFFINE and self._unit_of_op(nxt) == unit and nxt is not op:
                    self.rec.run.affine_chains.append(AffineChainEvent(
                        self.rec.next_seq(), self.rec.step, unit, op.type, nxt.type, ops.op_location(op),
                        ops.op_location(nxt)))
                elif ops.passes_linearly(nxt):
                    frontier.extend(c for t in nxt.outputs for c in t.consumers() if c.name in names)

    def _activations(self, model: GraphModel, forward: list[Any], units: dict[str, frozenset[str]]) -> None:
        rec = self.rec
        for op in forward:
            kind = ops.op_kind(op)
            if kind not in SQUASH or not units.get(op.name):
                continue
            made = ops.producer(op.inputs[0])
            if ops.op_kind(made) != AFFINE:
                continue
            weights = [k for t in made.inputs if (v := ops.variable_op(t)) is not None
                       and (k := self.keys.get(v.name)) is not None]
            unit = self._unit_of_op(made) or ""

            def taken(value: np.ndarray, kind: str = kind, unit: str = unit, weights: list[int] = weights,
                      op: Any = op) -> None:
                x = np.abs(np.asarray(value, dtype=np.float64))
                rec.run.activations.append(ActivationEvent(
                    rec.next_seq(), rec.step, kind, unit, float((x > SQUASH[kind]).mean()),
                    float(x.mean()), weights, ops.op_location(op)))

            model.probes.append(Probe(op.inputs[0], taken))

    def _logs(self, model: GraphModel, forward: list[Any], units: dict[str, frozenset[str]],
              losses: list[Any]) -> None:
        """``tf.log(D)`` and ``tf.log(1. - D)`` on a unit's output (an epsilon added inside is looked
        through): loss calls of kind "log" and "log1m", ``negated`` when the way to the loss negates them."""
        rec = self.rec
        loss_names = [(t.op.name, ancestors([t.op])) for t in losses]
        for op in forward:
            if op.type != "Log" or not units.get(op.name):
                continue
            x = _without_epsilon(op.inputs[0])
            kind = "log"
            if x.op.type == "Sub" and _constant(x.op.inputs[0]) == 1.0:
                kind, x = "log1m", x.op.inputs[1]
            made = ops.producer(x)
            index = len(rec.run.loss_calls)
            call = LossCallEvent(
                rec.next_seq(), rec.step, index, kind, ops.op_location(op), ops.op_kind(made),
                ops.op_location(made), TensorStats(tuple(), 0.0, 0.0, 0.0, 0.0),
                sorted(units.get(x.op.name, frozenset())), input_op=made.type)
            inside = next((names for name, names in loss_names if op.name in names), None)
            if inside is not None:
                call.negated = _negated(op, inside)
            rec.run.loss_calls.append(call)
            self.loss_ops[index] = op.name

            def input_taken(value: np.ndarray, call: LossCallEvent = call) -> None:
                call.input_stats = stats(value)

            model.probes.append(Probe(x, input_taken))

    def _losses(self, model: GraphModel, forward: list[Any], units: dict[str, frozenset[str]]) -> None:
        """With-logits binary cross-entropies: built of ordinary ops by a framework function whose first
        op negates the logits; the labels are the other factor of ``logits * labels`` in the same call."""
        rec = self.rec
        for op in forward:
            if op.type != "Neg" or not ops.built_by(op, ops.WITH_LOGITS_FUNCTIONS):
                continue
            logits = op.inputs[0]
            scope = op.name.rsplit("/", 1)[0]
            labels = next((t for c in logits.consumers() if c.type == "Mul" and c.name.startswith(scope + "/")
                           for t in c.inputs if t is not logits), None)
            made = ops.producer(logits)
            index = len(rec.run.loss_calls)
            call = LossCallEvent(
                rec.next_seq(), rec.step, index, "bce_with_logits", ops.op_location(op), ops.op_kind(made),
                ops.op_location(made), TensorStats(tuple(), 0.0, 0.0, 0.0, 0.0),
                sorted(units.get(logits.op.name, frozenset())), input_op=made.type)
            rec.run.loss_calls.append(call)
            self.loss_ops[index] = op.name

            def input_taken(value: np.ndarray, call: LossCallEvent = call) -> None:
                call.input_stats = stats(value)

            def target_taken(value: np.ndarray, call: LossCallEvent = call) -> None:
                call.target = stats(value)
                call.target_value = call.target.mean if call.target.std == 0.0 else None

            model.probes.append(Probe(logits, input_taken))
            model.scores.append((logits, call.units))
            if labels is not None:
                model.probes.append(Probe(labels, target_taken))


def _shape(var: Any) -> tuple[int, ...]:
    return tuple(int(d) if d is not None else -1 for d in var.shape.as_list())


def _first_difference(a: list[Location], b: list[Location]) -> Location | None:
    """The first frame (outermost first) where two creation stacks part: the call that built one copy."""
    for x, y in zip(a, b, strict=False):
        if x != y:
            return x
    return None


def _constant(tensor: Any) -> float | None:
    """The value of a scalar constant tensor, else None."""
    if tensor.op.type != "Const":
        return None
    try:
        value = tensor.op.get_attr("value")
        from tensorflow.python.framework import tensor_util

        array = tensor_util.MakeNdarray(value)
    except Exception:
        return None
    return float(array) if array.size == 1 else None


def _without_epsilon(tensor: Any) -> Any:
    """``x + 1e-8`` -> ``x``: the small constant added to keep a log finite."""
    op = tensor.op
    while op.type in ("Add", "AddV2") and len(op.inputs) == 2:
        small = [t for t in op.inputs if (c := _constant(t)) is not None and abs(c) < 1e-3]
        if not small:
            break
        tensor = next(t for t in op.inputs if t is not small[0])
        op = tensor.op
    return tensor


def _negated(op: Any, inside: set[str]) -> bool:
    """Whether the way from ``op``'s value to the loss (ops named in ``inside``) flips its sign: a Neg, the
    subtrahend of a Sub, or a product with a negative constant."""
    stack: list[tuple[Any, bool]] = [(op, False)]
    seen: set[str] = set()
    while stack:
        current, flipped = stack.pop()
        consumers = [c for t in current.outputs for c in t.consumers() if c.name in inside]
        if not consumers:
            return flipped
        for c in consumers:
            if c.name in seen:
                continue
            seen.add(c.name)
            flip = c.type == "Neg" or (c.type == "Sub" and c.inputs[1].op is current) or (
                c.type == "Mul" and any((v := _constant(t)) is not None and v < 0 for t in c.inputs))
            stack.append((c, flipped != flip))
    return False
