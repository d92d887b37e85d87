"""TF2 eager training (TensorFlow backend): ``tf.function`` executions, ``GradientTape.gradient``,
``tf.stop_gradient``, and autograph's generated lines mapped back to the script's.

Inside a ``tf.function`` the Python code (the optimizer's ``apply_gradients``, the tape, the model calls)
runs only while TensorFlow traces it. So each execution of a script's ``tf.function`` replays the
optimizer applications its last trace recorded (a retrace records them anew): one StepEvent each, per
execution, without touching the graph. ``changed_params`` is measured from the second execution on
(the first one traces, before which the doctor does not know which variables it will train).

The doctor adds nothing to the traced graph and reads values only between executions: the run is the
same with and without it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gandoctor.doctor import locations
from gandoctor.doctor.adapters.keras3 import losses
from gandoctor.doctor.adapters.keras3.models import Made
from gandoctor.doctor.adapters.keras3.optimizers import emit_steps
from gandoctor.doctor.adapters.keras3.state import Applied, KerasState, wraps
from gandoctor.doctor.events import BackwardEvent, CutEvent, Location
from gandoctor.doctor.locations import passes_through, user_location
from gandoctor.doctor.recorder import ById


def install(state: KerasState, undo: list[Callable[[], None]]) -> None:
    """Patch TensorFlow; each patch's undo goes to ``undo`` as soon as it is made."""
    import keras
    import tensorflow as tf
    from tensorflow.python.autograph.pyct import loader
    from tensorflow.python.eager.polymorphic_function.polymorphic_function import Function

    rec = state.rec

    # autograph: generated file -> its source map, to point at the script's own lines
    source_maps: dict[str, dict[int, Location]] = {}
    original_load_ast = loader.load_ast

    @wraps(original_load_ast)
    def load_ast(*args: Any, **kwargs: Any) -> Any:
        out = original_load_ast(*args, **kwargs)
        if isinstance(out, tuple) and len(out) == 3 and isinstance(out[2], dict):
            for key, origin in out[2].items():  # LineLocation of the generated code -> OriginInfo
                source_maps.setdefault(key.filename, {})[key.lineno] = Location(origin.loc.filename,
                                                                                origin.loc.lineno)
        return out

    def line_map(filename: str, line: int) -> Location | None:
        lines = source_maps.get(filename)
        return None if lines is None else lines.get(line)

    loader.load_ast = load_ast
    locations.LINE_MAPS.append(line_map)
    undo.append(lambda: setattr(loader, "load_ast", original_load_ast))
    undo.append(lambda: locations.LINE_MAPS.remove(line_map))

    # tf.function: one step per optimizer application of its trace, at every execution
    original_call = Function.__call__
    records = ById()  # tf.function -> the applications its last trace recorded
    running = [0]

    @passes_through
    @wraps(original_call)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        if running[0] or state.train_call is not None or not tf.executing_eagerly():
            return original_call(self, *args, **kwargs)
        record: list[Applied] | None = records.get(self)
        before = rec.guard("tf.function", _snapshot, record) if rec.probe and record else None
        count = self.experimental_get_tracing_count()
        frame: list[Applied] = []
        state.trace_frames.append(frame)
        state.function_args.append(rec.guard("tf.function", _arguments, self, args, kwargs) if rec.probe
                                   else None)
        running[0] += 1
        try:
            out = original_call(self, *args, **kwargs)
        finally:
            running[0] -= 1
            state.trace_frames.pop()
            state.function_args.pop()
        traces = self.experimental_get_tracing_count() - count
        if traces:
            # a first call may trace twice (once to create variables): each trace applied the same
            # optimizers, and the function runs the last one
            if traces > 1 and len(frame) % traces == 0:
                frame = frame[len(frame) - len(frame) // traces:]
            records.put(self, frame)
            record, before = frame, None
        if record:
            emit_steps(state, record, before, user_location())
        return out

    def _arguments(fn: Any, args: tuple, kwargs: dict) -> list[Any] | None:
        """The tensors (eager tensors, numpy arrays) the script passes to a ``tf.function``, in the order
        of the placeholders a trace makes for them: the parameters' order, each argument flattened.
        None when an argument is of a kind whose placeholders are not one per value (a dataset, a
        variable, another composite), so that no placeholder is paired with the wrong value."""
        import inspect

        import numpy as np

        try:
            bound = inspect.signature(fn.python_function).bind(*args, **kwargs)
        except (TypeError, ValueError, AttributeError):
            return None
        found: list[Any] = []
        for value in bound.arguments.values():
            for leaf in tf.nest.flatten(value):
                if isinstance(leaf, np.ndarray) or (isinstance(leaf, tf.Tensor) and hasattr(leaf, "numpy")):
                    found.append(leaf)
                elif leaf is None or isinstance(leaf, (bool, int, float, str, bytes)):
                    continue  # a Python value is part of the trace, no placeholder
                else:
                    return None
        return found

    def _snapshot(record: list[Applied]) -> dict:
        return state.snapshot(sorted({k for a in record for k in a.keys}))

    Function.__call__ = call  # type: ignore[method-assign]
    undo.append(lambda: setattr(Function, "__call__", original_call))

    # tape.gradient(loss, variables): which variables got a gradient (None: no path from the loss)
    original_gradient = tf.GradientTape.gradient

    @passes_through
    @wraps(original_gradient)
    def gradient(self: Any, target: Any, sources: Any, *args: Any, **kwargs: Any) -> Any:
        out = original_gradient(self, target, sources, *args, **kwargs)
        if rec.probe and not state.quiet:
            rec.guard("tape.gradient", _backward, target, sources, out)
        return out

    def _backward(target: Any, sources: Any, grads: Any) -> None:
        flat_sources = tf.nest.flatten(sources)
        flat_grads = tf.nest.flatten(grads, expand_composites=False) if grads is not None else []
        if len(flat_grads) != len(flat_sources):
            return
        targets, got = [], []
        for v, g in zip(flat_sources, flat_grads, strict=True):
            if not isinstance(v, keras.Variable):
                continue
            key = state.key(v)
            targets.append(key)
            if g is not None:
                got.append(key)
        if not targets:
            return
        rec.run.framework = "keras"
        loss = None
        if tf.executing_eagerly() and hasattr(target, "numpy") and getattr(target, "shape", None) == ():
            loss = float(target.numpy())
        index = len(rec.run.backwards)
        carried = sorted(_losses_behind(target))
        for i in carried:
            losses.link(state, i)
        flags = [f"loss:{i}" for i in carried]
        rec.run.backwards.append(BackwardEvent(rec.next_seq(), rec.step, index, user_location(), True, loss,
                                               flags=flags, params=got, targets=targets))
        for g in flat_grads:
            if g is not None:
                state.grad_sources.put(g, index)

    def _losses_behind(target: Any) -> set[int]:
        """The loss calls (``loss_object(y_true, y_pred)``) whose outputs the backpropagated tensor sums:
        itself, or, in a traced graph, any tensor among its inputs (``real_loss + fake_loss``)."""
        found: set[int] = set()
        todo, seen = [target], set()
        while todo and len(seen) < 200:
            t = todo.pop()
            if id(t) in seen:
                continue
            seen.add(id(t))
            index = state.loss_outputs.get(t)
            if index is not None:
                found.add(index)
                continue
            op = getattr(t, "op", None) if not tf.executing_eagerly() else None
            if op is not None:
                todo.extend(op.inputs)
        return found

    # loss_object(y_true, y_pred) called by the script (a GradientTape step, a custom train_step)
    original_loss_call = keras.losses.Loss.__call__

    @passes_through
    @wraps(original_loss_call)
    def loss_call(self: Any, y_true: Any, y_pred: Any, *args: Any, **kwargs: Any) -> Any:
        out = original_loss_call(self, y_true, y_pred, *args, **kwargs)
        if rec.probe and not state.quiet and _scripts_own(state):
            rec.guard("keras loss call", losses.record_call, state, self, y_true, y_pred, out)
        return out

    keras.losses.Loss.__call__ = loss_call  # type: ignore[method-assign]
    undo.append(lambda: setattr(keras.losses.Loss, "__call__", original_loss_call))

    tf.GradientTape.gradient = gradient  # type: ignore[method-assign]
    undo.append(lambda: setattr(tf.GradientTape, "gradient", original_gradient))

    # tf.stop_gradient on a network's output: a cut of the gradient path
    original_stop = tf.stop_gradient

    @passes_through
    @wraps(original_stop)
    def stop_gradient(x: Any, *args: Any, **kwargs: Any) -> Any:
        out = original_stop(x, *args, **kwargs)
        if rec.probe:
            rec.guard("tf.stop_gradient", _cut, x, out)
        return out

    def _cut(x: Any, out: Any) -> None:
        made = state.unit_outputs.get(x)
        if made is None or not made.units:
            return
        rec.run.cuts.append(CutEvent(rec.next_seq(), rec.step, "stop_gradient", sorted(made.units),
                                     user_location()))
        state.unit_outputs.put(out, Made(made.units, False, made.producer))

    tf.stop_gradient = stop_gradient
    undo.append(lambda: setattr(tf, "stop_gradient", original_stop))


def _scripts_own(state: KerasState) -> bool:
    """A loss the script calls itself: not the compiled loss Keras' own ``train_step`` computes (read from
    ``compile`` instead, see ``losses.record``), but one a custom ``train_step`` calls."""
    import keras

    call = state.train_call
    return call is None or type(call.model).train_step is not keras.Model.train_step
