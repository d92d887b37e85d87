"""Keras models as units, and the data flow between them (for roles).

Two sources of data flow, neither reading a name:
- the structure of a model built from other models: ``combined = Model(z, D(G(z)))`` or
  ``Sequential([G, D])`` says that D consumes G's output and G the combined model's input;
- the values a script passes: a numpy batch given to ``D.train_on_batch`` comes from outside every
  network unless it is an array a model's ``predict`` returned (then it is that model's output), and an
  eager or traced call ``D(G(z))`` hands D a tensor G made.

Each ``trainable = ...`` the script sets on a layer is a ``RequiresGradEvent`` at the user's line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from gandoctor.doctor.adapters.keras3.state import KerasState, model_variables, wraps
from gandoctor.doctor.events import AFFINE, OTHER, SIGMOID, TANH, EntryEvent, RequiresGradEvent, TensorStats
from gandoctor.doctor.locations import array_source, assigned_at, passes_through, user_location

_KINDS = {"tanh": TANH, "sigmoid": SIGMOID}


@dataclass(frozen=True)
class Made:
    """Where a value came from: the units that computed it, whether a gradient can still flow back to
    them, and the kind of op that made it (TANH for a tanh generator's output)."""

    units: frozenset[str]
    grad_path: bool = True
    producer: str = ""


# --- structure ----------------------------------------------------------------------------------
def holds_params(state: KerasState, model: Any) -> bool:
    unit = state.unit(model)
    return bool(unit and state.rec.run.units.get(unit))


def first_units(state: KerasState, model: Any) -> list[str]:
    """The units that consume ``model``'s input: itself when it holds params, else its first inner ones."""
    if holds_params(state, model):
        return [state.unit(model)]  # type: ignore[list-item]
    edges = structure_edges(state, model)
    return sorted({consumer for consumer, source, _ in edges if source is None})


def last_unit(state: KerasState, model: Any) -> str | None:
    """The unit whose output is ``model``'s output."""
    if holds_params(state, model):
        return state.unit(model)
    inner = _graph_models(model)
    for m in reversed(inner):
        found = last_unit(state, m)
        if found:
            return found
    return None


def output_layer(model: Any) -> Any:
    """The layer that makes the model's output, looking into inner models and back through layers that
    only reshape (Flatten, Reshape, Dropout); None when the model has no graph to read."""
    import keras

    graph = _graph(model)
    if graph is None or not graph._outputs:
        return None
    node = _producer_node(graph._outputs[0])
    for _ in range(100):
        if node is None:
            return None
        op = node.operation
        if isinstance(op, keras.Model):
            return output_layer(op)
        if getattr(op, "activation", None) is not None or op.weights:
            return op
        parents = node.parent_nodes
        node = parents[0] if parents else None
    return None


def _producer_node(tensor: Any) -> Any:
    history = getattr(tensor, "_keras_history", None)
    if history is None or history.operation is None:
        return None
    return history.operation._inbound_nodes[history.node_index]


def output_kind(model: Any) -> str:
    """The op kind of what makes the model's output (TANH for a generator ending in tanh, SIGMOID for a
    discriminator ending in a sigmoid, AFFINE for one ending in a plain Dense: logits)."""
    layer = output_layer(model)
    if layer is None:
        return ""
    activation = getattr(layer, "activation", None)
    name = getattr(activation, "__name__", "") if activation is not None else ""
    if name in _KINDS:
        return _KINDS[name]
    if layer.weights and name in ("linear", ""):
        return AFFINE
    return OTHER


def output_op(model: Any) -> str:
    """The framework's name for what makes the model's output, for messages ("sigmoid", "Dense")."""
    layer = output_layer(model)
    if layer is None:
        return ""
    activation = getattr(layer, "activation", None)
    name = getattr(activation, "__name__", "") if activation is not None else ""
    return name if name and name != "linear" else type(layer).__name__


def _graph(model: Any) -> Any:
    """The Functional graph of a model (a Sequential's inner one), or None."""
    if hasattr(model, "_nodes_by_depth"):
        return model
    inner = getattr(model, "_functional", None)
    return inner if inner is not None and hasattr(inner, "_nodes_by_depth") else None


def _graph_models(model: Any) -> list[Any]:
    """The models called directly in ``model``'s graph, in call order."""
    import keras

    graph = _graph(model)
    if graph is None:
        return []
    found = []
    for depth in sorted(graph._nodes_by_depth, reverse=True):  # inputs have the largest depth
        for node in graph._nodes_by_depth[depth]:
            if isinstance(node.operation, keras.Model) and node.operation not in found:
                found.append(node.operation)
    return found


def structure_edges(state: KerasState, model: Any) -> list[tuple[str, str | None, str]]:
    """(consumer unit, source unit or None for the model's input, the source's output kind) for each model
    called inside ``model``'s graph."""
    import keras

    graph = _graph(model)
    if graph is None:
        return []
    edges = []
    for nodes in graph._nodes_by_depth.values():
        for node in nodes:
            op = node.operation
            if not isinstance(op, keras.Model):
                continue
            consumers = first_units(state, op)
            for source in _sources(state, node, set()):
                kind = output_kind(source) if source is not None else ""
                unit = last_unit(state, source) if source is not None else None
                for consumer in consumers:
                    if consumer != unit:
                        edges.append((consumer, unit, kind))
    return edges


def _sources(state: KerasState, node: Any, seen: set[int]) -> list[Any]:
    """The models (or None: the graph's input) whose outputs reach ``node``, through plain layers."""
    import keras

    found: list[Any] = []
    parents = node.parent_nodes
    if not parents:
        return [None]
    for parent in parents:
        if id(parent) in seen:
            continue
        seen.add(id(parent))
        op = parent.operation
        if isinstance(op, keras.Model):
            found.append(op)
        elif isinstance(op, keras.layers.InputLayer) or parent.is_input:
            found.append(None)
        else:
            found.extend(_sources(state, parent, seen))
    return found


# --- entries --------------------------------------------------------------------------------------
def stats_of(x: Any) -> TensorStats:
    try:
        a = np.asarray(x)
        if a.dtype.kind not in "fiub" or a.size == 0:
            return TensorStats(tuple(a.shape), 0.0, 0.0, 0.0, 0.0)
        a = a.astype(np.float64, copy=False)
        return TensorStats(tuple(a.shape), float(a.min()), float(a.max()), float(a.mean()), float(a.std()))
    except Exception:
        return TensorStats((), 0.0, 0.0, 0.0, 0.0)


def record_batch_entries(state: KerasState, model: Any, x: Any, location: Any) -> None:
    """(probe) ``model`` is trained on batch ``x``: its first units consume ``x``, its inner models the
    outputs of one another."""
    rec = state.rec
    if isinstance(x, (list, tuple, dict)):
        # several inputs ([images, labels]): which inner model takes which is not read, so no values are
        # given (a label array is no image batch); only where each came from
        unknown = TensorStats((), 0.0, 0.0, 0.0, 0.0)
        sources = [state.unit_outputs.get(v) for v in flat(x)]
        for unit in first_units(state, model):
            for made in [m for m in sources if m is not None] + ([None] if None in sources else []):
                rec.run.entries.append(EntryEvent(
                    rec.next_seq(), rec.step, unit, sorted(made.units) if made else [], False, unknown,
                    location, None, producer=made.producer if made else "",
                    grad_path=made.grad_path if made else True))
        record_structure(state, model, location)
        return
    made = state.unit_outputs.get(x) if x is not None else None
    stats = stats_of(x) if x is not None and not symbolic(x) else TensorStats((), 0.0, 0.0, 0.0, 0.0)
    # where the script made the array the batch was cut from (``x_train = raw / 255.0``)
    data_loc = (array_source(x) or assigned_at(x)) if x is not None else None
    for unit in first_units(state, model):
        origin = sorted(made.units) if made else []
        rec.run.entries.append(EntryEvent(
            rec.next_seq(), rec.step, unit, origin, False, stats, location, data_loc,
            producer=made.producer if made else "", batch_location=data_loc,
            grad_path=made.grad_path if made else True))
    record_structure(state, model, location)


def record_structure(state: KerasState, model: Any, location: Any) -> None:
    """(probe) The models inside ``model`` that consume one another's outputs (``D(G(z))``)."""
    rec = state.rec
    for consumer, source, kind in structure_edges(state, model):
        if source is None:
            continue
        rec.run.entries.append(EntryEvent(
            rec.next_seq(), rec.step, consumer, [source], False, TensorStats((), 0.0, 0.0, 0.0, 0.0),
            location, None, producer=kind))


def record_call(state: KerasState, model: Any, args: tuple, output: Any) -> None:
    """(probe) The script called ``model`` on tensors (eagerly, or while a ``tf.function`` traces):
    it consumed its tensor arguments; its output is its unit's."""
    import keras

    state.register_model(model)
    rec = state.rec
    location = user_location()
    consumers = first_units(state, model)
    upstream: set[str] = set()  # the networks behind its inputs: D(G(z))'s output is G's and D's
    for x in flat(args):
        if isinstance(x, keras.KerasTensor):
            return  # building a functional model: the structure says it
        if not hasattr(x, "shape"):
            continue
        made = state.unit_outputs.get(x)
        if made is not None:
            upstream |= made.units
        data_loc = None if made else assigned_at(x)
        if not symbolic(x):
            stats = stats_of(x)
        elif made is None and (value := argument_value(state, x)) is not None:
            # traced, but a tf.function argument the script passed: its values, and the line that made
            # the array the batch was cut from (``train_images = train_images / 255.0``)
            stats = stats_of(value)
            data_loc = array_source(value) or data_loc
        else:
            stats = TensorStats((), 0.0, 0.0, 0.0, 0.0)
        for unit in consumers:
            rec.run.entries.append(EntryEvent(
                rec.next_seq(), rec.step, unit, sorted(made.units) if made else [], False, stats, location,
                data_loc, producer=made.producer if made else "", batch_location=data_loc,
                grad_path=made.grad_path if made else True))
    record_structure(state, model, location)
    mark_output(state, model, output, upstream)


def mark_output(state: KerasState, model: Any, output: Any, upstream: set[str] | None = None) -> None:
    unit = last_unit(state, model)
    if unit is None:
        return
    made = Made(frozenset([unit, *(upstream or ())]), True, output_kind(model))
    for out in flat(output):
        state.unit_outputs.put(out, made)


def flat(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return [y for v in value for y in flat(v)]
    if isinstance(value, dict):
        return [y for v in value.values() for y in flat(v)]
    return [value]


def argument_value(state: KerasState, x: Any) -> np.ndarray | None:
    """(probe) The value of a traced tensor that is an argument of the ``tf.function`` being traced: the
    graph's placeholder for it, paired with the eager tensor (or array) the script passed to the call
    (``train_step(image_batch)``), read as numpy; None for any other tensor. Reading the script's own
    argument computes nothing and changes nothing in the run."""
    if not state.function_args or state.function_args[-1] is None:
        return None
    args = state.function_args[-1]
    op = getattr(x, "op", None)
    while op is not None and op.type == "Identity" and len(op.inputs) == 1:
        x, op = op.inputs[0], op.inputs[0].op
    if op is None or op.type != "Placeholder":
        return None
    from tensorflow.python.framework.func_graph import FuncGraph

    if isinstance(getattr(x.graph, "outer_graph", None), FuncGraph):
        return None  # a tf.function traced inside another: its placeholders are not the call's arguments
    inputs = list(getattr(x.graph, "inputs", []))
    index = next((i for i, t in enumerate(inputs) if t is x), None)
    if index is None or index >= len(args):  # a captured tensor (a variable), not an argument
        return None
    value = args[index]
    a = value if isinstance(value, np.ndarray) else value.numpy()
    if a.dtype != x.dtype.as_numpy_dtype or not x.shape.is_compatible_with(a.shape):
        return None  # not the placeholder of this argument after all
    return a


def symbolic(x: Any) -> bool:
    """A tensor without values (traced in a ``tf.function``, or a KerasTensor)."""
    if isinstance(x, np.ndarray):
        return False
    try:
        import tensorflow as tf

        return isinstance(x, tf.Tensor) and not hasattr(x, "numpy")
    except ImportError:
        return False


# --- hooks ----------------------------------------------------------------------------------------
def install(state: KerasState, undo: list[Callable[[], None]]) -> None:
    """Patch Keras; each patch's undo goes to ``undo`` as soon as it is made."""
    import keras
    from keras.src.layers.layer import Layer

    rec = state.rec

    # trainable = ...: where the script froze or unfroze a network
    prop = Layer.__dict__["trainable"]
    depth = [0]

    def set_trainable(layer: Any, value: Any) -> None:
        depth[0] += 1
        try:
            prop.fset(layer, value)
        finally:
            depth[0] -= 1
        if depth[0] == 0:
            rec.guard("keras trainable", _trainable_event, layer, value)

    def _trainable_event(layer: Any, value: Any) -> None:
        if isinstance(layer, keras.Model):
            state.register_model(layer)
        keys = [state.key(v) for v in model_variables(layer)]
        if keys:
            rec.run.requires_grad.append(RequiresGradEvent(rec.next_seq(), rec.step, keys, bool(value),
                                                           user_location()))

    # a layer's construction: its line (the Dense(1, activation="sigmoid") a loss is fed by)
    original_layer_init = Layer.__init__

    @passes_through
    @wraps(original_layer_init)
    def layer_init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_layer_init(self, *args, **kwargs)
        if rec.probe and state.layer_lines.get(self) is None:
            loc = user_location()
            if loc is not None:
                state.layer_lines.put(self, loc)

    Layer.__init__ = layer_init  # type: ignore[method-assign]
    undo.append(lambda: setattr(Layer, "__init__", original_layer_init))

    Layer.trainable = property(prop.fget, set_trainable, prop.fdel, prop.__doc__)
    undo.append(lambda: setattr(Layer, "trainable", prop))

    # predict(): its output (a numpy array) is the model's
    original_predict = keras.Model.predict

    @passes_through
    @wraps(original_predict)
    def predict(self: Any, *args: Any, **kwargs: Any) -> Any:
        state.quiet += 1
        try:
            out = original_predict(self, *args, **kwargs)
        finally:
            state.quiet -= 1
        rec.guard("keras predict", _predicted, self, out)  # also after the probe: stats.py asks
        return out

    def _predicted(model: Any, out: Any) -> None:
        if rec.probe:
            state.register_model(model)
            rec.used_params.update(state.model_keys(model))
        made = state.predicted.get(model)
        if made is None:
            mark_output(state, model, out)
            state.predicted.put(model, state.unit_outputs.get(out) or False)
        elif made:
            state.unit_outputs.put(out, made)

    keras.Model.predict = predict  # type: ignore[method-assign]
    undo.append(lambda: setattr(keras.Model, "predict", original_predict))

    # model(x): eager or traced calls by the script (the TF2 GradientTape style)
    had_call = "__call__" in keras.Model.__dict__
    original_call = keras.Model.__call__
    calling = [0]

    @passes_through
    @wraps(original_call)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        trained = state.train_call is not None and state.train_call.model is self
        if not rec.probe or state.quiet or calling[0] or trained:
            return original_call(self, *args, **kwargs)
        calling[0] += 1
        try:
            out = original_call(self, *args, **kwargs)
        finally:
            calling[0] -= 1
        rec.guard("keras call", record_call, state, self, args, out)
        return out

    keras.Model.__call__ = call  # type: ignore[method-assign]

    def restore_call() -> None:
        if had_call:
            keras.Model.__call__ = original_call  # type: ignore[method-assign]
        else:
            del keras.Model.__call__

    undo.append(restore_call)
