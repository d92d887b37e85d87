"""(probe) The compiled loss of a ``train_on_batch`` as a ``LossCallEvent``: which loss (BCE on
probabilities or on logits, MSE), what it is fed (the kind of the model's last layer: a sigmoid, or a
plain Dense whose outputs are logits), for which networks (D alone on a real batch; G's output and D on
a batch ``G.predict`` made, or in the combined model), and its target (``y``, constant or not).

Keras computes the loss inside its traced step, so its input's values are not read: a sigmoid's output is
known to lie in [0, 1]; otherwise the range is unknown (an empty shape says so). Located at the
``train_on_batch`` call (where the targets are given); ``loss_location`` is where the loss was built
(``BinaryCrossentropy(from_logits=True)``) or the ``compile`` that named it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gandoctor.doctor.adapters.keras3 import models
from gandoctor.doctor.adapters.keras3.state import KerasState
from gandoctor.doctor.events import SIGMOID, LossCallEvent, TensorStats
from gandoctor.doctor.locations import user_location

PENDING = 1_000_000  # indexes of loss calls the script makes (kept apart from the compiled ones)
_NAMES = {"binary_crossentropy": "bce", "bce": "bce", "mean_squared_error": "mse", "mse": "mse"}


def kind_of(loss: Any) -> str | None:
    """"bce", "bce_with_logits" or "mse" for the loss a model was compiled with, else None."""
    if isinstance(loss, str):
        return _NAMES.get(loss)
    name = getattr(loss, "__name__", "")
    if name in _NAMES:  # keras.losses.binary_crossentropy, mean_squared_error
        return _NAMES[name]
    fn = getattr(loss, "fn", None)  # a LossFunctionWrapper: BinaryCrossentropy, MeanSquaredError
    fn_name = getattr(fn, "__name__", "")
    if fn_name not in _NAMES:
        return None
    kind = _NAMES[fn_name]
    logits = bool(getattr(loss, "_fn_kwargs", {}).get("from_logits", False))
    return "bce_with_logits" if kind == "bce" and logits else kind


def record(state: KerasState, model: Any, x: Any, y: Any, location: Any) -> None:
    loss = getattr(model, "loss", None)
    kind = kind_of(loss)
    last = models.last_unit(state, model)
    if kind is None or last is None or not isinstance(y, np.ndarray) or y.size == 0:
        return
    units = {last, *models.first_units(state, model)}
    units |= {u for edge in models.structure_edges(state, model) for u in edge[:2] if u}
    for v in models.flat(x) if x is not None else []:  # [images, labels]: each input's source
        made = state.unit_outputs.get(v)
        if made is not None:
            units |= set(made.units)
    producer = models.output_kind(model)
    high = 1.0 if producer == SIGMOID else 0.0  # a sigmoid's bounds; else nothing is known of the values
    bounds = TensorStats((), 0.0, high, 0.0, 0.0)
    flat = y.reshape(-1)
    constant = float(flat[0]) if np.all(flat == flat[0]) else None
    rec = state.rec
    loss_location = state.loss_lines.get(loss) if not isinstance(loss, str) else None
    layer = models.output_layer(model)
    input_location = state.layer_lines.get(layer) if layer is not None else None  # where D's last layer is
    rec.run.loss_calls.append(LossCallEvent(
        rec.next_seq(), rec.step, len(rec.run.loss_calls), kind, location, producer, input_location, bounds,
        sorted(units), target=models.stats_of(y), target_value=constant,
        loss_location=loss_location or state.compile_lines.get(model), input_op=models.output_op(model)))


def record_call(state: KerasState, loss: Any, y_true: Any, y_pred: Any, out: Any) -> None:
    """(probe) The script called a loss object on a network's output. It becomes a ``LossCallEvent`` only
    once a ``tape.gradient`` of it is seen (``link``): the step it feeds is then known, never guessed from
    the order of events (an eager ``real_loss + fake_loss`` is not followed, and stays out)."""
    kind = kind_of(loss)
    made = state.unit_outputs.get(y_pred)
    if kind is None or made is None:
        return
    if models.symbolic(y_pred):
        high = 1.0 if made.producer == SIGMOID else 0.0
        input_stats = TensorStats((), 0.0, high, 0.0, 0.0)
    else:
        input_stats = models.stats_of(y_pred)
    target = _static(y_true)
    constant = None
    if target is not None and target.size:
        flat = target.reshape(-1)
        constant = float(flat[0]) if np.all(flat == flat[0]) else None
    rec = state.rec
    index = PENDING + len(state.pending_losses) + len(rec.run.loss_calls)
    state.pending_losses[index] = LossCallEvent(
        rec.next_seq(), rec.step, index, kind, user_location(), made.producer, None, input_stats,
        sorted(made.units), target=models.stats_of(target) if target is not None else None,
        target_value=constant, loss_location=state.loss_lines.get(loss), input_op=made.producer)
    state.loss_outputs.put(out, index)


def link(state: KerasState, index: int) -> None:
    """A backward carries loss call ``index``: it joins the run's loss calls, in order of seq."""
    event = state.pending_losses.pop(index, None)
    if event is None:
        return
    calls = state.rec.run.loss_calls
    at = next((i for i, c in enumerate(calls) if c.seq > event.seq), len(calls))
    calls.insert(at, event)


def _static(y: Any) -> np.ndarray | None:
    """The target's values: read when eager, folded when traced (``tf.ones_like`` of a known shape)."""
    if isinstance(y, np.ndarray):
        return y
    if not models.symbolic(y):
        try:
            return np.asarray(y)
        except Exception:
            return None
    try:
        import tensorflow as tf

        value = tf.get_static_value(y)
    except Exception:
        return None
    return None if value is None else np.asarray(value)
