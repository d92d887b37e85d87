"""What the Keras adapter knows while a script runs: Keras variables as params, models as units,
optimizers, and the values of variables before a step (probe only) to tell which ones it changed.

Units are the models the script builds, named by class and counter (``Sequential#0``); a variable
belongs to the smallest model that holds it, so ``combined = Model(z, D(G(z)))`` owns no variable of
its own and is no unit. Nothing here reads a user's variable, class or model name to decide anything.
"""

from __future__ import annotations

import functools
import inspect
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gandoctor.doctor.events import Location, OptimizerInfo, ParamInfo
from gandoctor.doctor.locations import assigned_name
from gandoctor.doctor.recorder import ById, Recorder, UnitModule


@dataclass
class TrainCall:
    """One ``train_on_batch``/``fit`` step running now: the model it trains and what it applied."""

    model: Any
    location: Location | None
    applied: list[Applied] = field(default_factory=list)


@dataclass
class Applied:
    """One optimizer application (``apply``/``apply_gradients``): the optimizer, the variables it was
    given and those of them that had a gradient (not None)."""

    optimizer: int
    keys: list[int]
    with_grad: list[int]
    location: Location | None
    sources: list[int] = field(default_factory=list)  # the tape.gradient calls whose gradients it applied


class KerasState:
    def __init__(self, rec: Recorder, backend: str) -> None:
        self.rec = rec
        self.backend = backend
        self._keys = ById()  # Keras variable -> param key
        self._refs: dict[int, weakref.ref] = {}  # param key -> the variable
        self._units = ById()  # model -> unit name
        self._names: set[str] = set()  # the names of those units
        self._models: list[weakref.ref] = []  # every model seen, to snapshot their variables
        self._optimizers = ById()  # optimizer -> index (applied by the script itself)
        # (id(optimizer), id(model)) -> (optimizer ref, model ref, index): a compiled model's optimizer
        # is one per model, so one optimizer object compiled into two models (D and the combined
        # model) is two optimizers, each with the weights that model trains
        self._model_optimizers: dict[tuple[int, int], tuple[weakref.ref, weakref.ref, int]] = {}
        self._confirmed: set[int] = set()  # optimizers whose variables an application has shown
        self._applied_keys: dict[int, list[int]] = {}  # optimizer -> the variables of its last application
        self.optimizer_lines = ById()  # optimizer -> the user line that built it
        self.compile_lines = ById()  # model -> the user line of its compile()
        self.unit_outputs = ById()  # a model's output (numpy array, tensor) -> the unit that made it
        self.train_call: TrainCall | None = None  # the train_on_batch/fit step running now
        self.quiet = 0  # >0 while Keras' own machinery runs a model (predict)
        self.trace_frames: list[list[Applied]] = []  # applications seen while tracing a tf.function
        # (probe) the tensor arguments of each tf.function call running now, in the order TensorFlow
        # makes their placeholders (None: arguments whose placeholders cannot be told apart)
        self.function_args: list[list[Any] | None] = []
        self.pending_batch: Any = None  # the x of the train_on_batch/fit call starting now
        self.pending_target: Any = None  # and its y
        self.loss_lines = ById()  # a Keras Loss object -> the user line that built it
        self.layer_lines = ById()  # a Keras layer -> the user line that built it
        self.step_lines = ById()  # model -> the user line of its last train step seen in the probe
        self.trained = ById()  # model -> its param keys (the params its train step is meant to train)
        self.role_units: dict[str, set[str]] = {}  # role -> units, from the data flow at the probe's end
        self.first_units = ById()  # model -> the units consuming its input (after the probe)
        self.predicted = ById()  # model -> what its predict() outputs are (a Made), False for unknown
        self.loss_outputs = ById()  # (probe) a loss object's output tensor -> its LossCallEvent index
        self.pending_losses: dict[int, Any] = {}  # loss calls no backward has been seen to carry yet
        self.grad_sources = ById()  # (probe) a gradient tensor from tape.gradient -> its backward index

    @contextmanager
    def aside(self) -> Iterator[None]:
        """On the torch backend: the torch hooks look away while the doctor (or Keras' own machinery:
        optimizer updates, shape inference on meta tensors) runs torch ops, as they do in a torch
        optimizer's step."""
        if self.backend != "torch":
            yield
            return
        old = self.rec.in_optimizer_step
        self.rec.in_optimizer_step = True
        try:
            yield
        finally:
            self.rec.in_optimizer_step = old

    # --- variables -------------------------------------------------------------------------
    def key(self, v: Any) -> int:
        """The param key of a Keras variable (created on first sight, in no unit yet)."""
        known = self._keys.get(v)
        if known is not None:
            return known
        if self.backend == "torch":  # the same parameter as torch's hooks see
            value = getattr(v, "value", v)
            with self.aside():
                key = self.rec.param_key(value)
        else:
            key = len(self.rec.run.params)
            shape = tuple(int(s) for s in v.shape)
            self.rec.run.params[key] = ParamInfo(
                key=key, name=str(getattr(v, "path", getattr(v, "name", "variable"))), shape=shape,
                unit=f"variable#{key}")
            self.rec.run.units.setdefault(f"variable#{key}", []).append(key)
        self._keys.put(v, key)
        self._refs[key] = weakref.ref(v)
        return key

    def variable(self, key: int) -> Any:
        ref = self._refs.get(key)
        return None if ref is None else ref()

    # --- models ------------------------------------------------------------------------------
    def unit(self, model: Any) -> str | None:
        return self._units.get(model)

    def register_model(self, model: Any) -> None:
        """``model`` and every model inside it become units, innermost first, so that each variable
        belongs to the smallest model holding it. A model whose variables all belong to inner models
        (a combined ``Model(z, D(G(z)))``) keeps a name but holds no param."""
        if self._units.get(model) is not None and not _has_new_variables(self, model):
            return
        inner = [m for m in _sub_models(model)]
        for m in reversed(inner):  # deepest last in the flattening: register from the inside out
            self._register_one(m)
        self._register_one(model)

    def _register_one(self, model: Any) -> None:
        name = self._units.get(model)
        if name is None:
            kind = type(model).__name__
            count = self.rec._unit_counts.get(kind, 0)
            self.rec._unit_counts[kind] = count + 1
            name = f"{kind}#{count}"
            self._units.put(model, name)
            self._names.add(name)
            self._models.append(weakref.ref(model))
        keys = []
        for v in model_variables(model):
            key = self.key(v)
            info = self.rec.run.params[key]
            # not yet in one of the doctor's Keras units (new, or a layer the torch hooks saw alone)
            if info.unit not in self._names or self._holds(info.unit, model):
                info.name = f"{name}.{getattr(v, 'path', info.name)}"
                self.rec._move(key, name)
            keys.append(key)
        if self.backend == "torch":
            # the torch hooks see Keras layers (torch modules) called one by one: each belongs to the
            # smallest model holding it (inner models are registered first), never a unit of its own;
            # only the model itself is a module to hook for statistics
            own = [k for k in keys if self.rec.run.params[k].unit == name]
            self.rec.unit_modules[id(model)] = UnitModule(name, weakref.ref(model), own)
            for layer in _layers(model):
                known = self.rec.unit_modules.get(id(layer))
                if known is None or known.name not in self._names:
                    self.rec.unit_modules[id(layer)] = UnitModule(name, weakref.ref(_Gone()))

    def _holds(self, unit: str, model: Any) -> bool:
        """Whether the unit ``unit`` is a model that contains ``model`` (so ``model`` is smaller)."""
        for ref in self._models:
            outer = ref()
            if outer is not None and outer is not model and self._units.get(outer) == unit:
                return any(m is model for m in _sub_models(outer))
        return False

    def model_keys(self, model: Any) -> list[int]:
        return [self.key(v) for v in model_variables(model)]

    def models(self) -> list[Any]:
        return [m for ref in self._models if (m := ref()) is not None]

    # --- optimizers --------------------------------------------------------------------------
    def optimizer_index(self, opt: Any, keys: list[int] | None = None, applied: bool = False,
                        model: Any = None) -> int:
        """The optimizer's index (registered on first sight); ``keys``: the variables it updates, as far as
        they are known now (added to those known before). The variables of its first application
        (``applied``) replace the guess made at ``compile()``: Keras 3 takes a model's trainable weights
        at its first train step, whatever they were at compile. ``model``: the compiled model whose
        train step uses ``opt`` (its ``compile``, its ``train_on_batch``/``fit``): each model compiled
        with one optimizer object has an index of its own."""
        index = self._model_index(opt, model) if model is not None else self._optimizers.get(opt)
        run = self.rec.run
        if index is not None and applied and self._applied_keys.get(index) == keys:
            return index  # the same variables as its last application: nothing new (every eager step)
        if applied and index is not None:
            self._applied_keys[index] = list(keys or [])
        if index is None:
            index = len(run.optimizers)
            if model is not None:
                self._model_optimizers[(id(opt), id(model))] = (weakref.ref(opt), weakref.ref(model), index)
            else:
                self._optimizers.put(opt, index)
            self.rec._optimizers.setdefault(id(opt), index)  # one numbering with torch's optimizers
            loc = self.optimizer_lines.get(opt)
            with self.aside():
                lr = _learning_rate(opt)
            run.optimizers.append(OptimizerInfo(index, type(opt).__name__, lr, [], loc, assigned_name(loc)))
        info = run.optimizers[index]
        if applied and index not in self._confirmed:
            self._confirmed.add(index)
            for key in info.params:
                if key not in (keys or []):
                    run.params[key].optimizers.remove(index)
            info.params = [k for k in info.params if k in (keys or [])]
        for key in keys or []:
            if key not in info.params:
                info.params.append(key)
                run.params[key].optimizers.append(index)
        return index

    def _model_index(self, opt: Any, model: Any) -> int | None:
        entry = self._model_optimizers.get((id(opt), id(model)))
        if entry is None or entry[0]() is not opt or entry[1]() is not model:
            return None
        return entry[2]

    def sharing(self, opt: Any) -> list[tuple[Any, int]]:
        """(model, index) for each live model compiled with ``opt``."""
        return [(m(), index) for o, m, index in self._model_optimizers.values()
                if o() is opt and m() is not None]

    def drop_guess(self, index: int) -> None:
        """Forget the variables guessed at ``compile()`` for an optimizer no application has confirmed."""
        if index in self._confirmed:
            return
        run = self.rec.run
        for key in run.optimizers[index].params:
            run.params[key].optimizers.remove(index)
        run.optimizers[index].params = []

    # --- values (probe) ----------------------------------------------------------------------
    def snapshot(self, keys: list[int]) -> dict[int, np.ndarray]:
        values = {}
        with self.aside():
            for key in keys:
                v = self.variable(key)
                if v is not None:
                    values[key] = _numpy(v)
        return values

    def changed(self, before: dict[int, np.ndarray]) -> list[int]:
        found = []
        with self.aside():
            for key, old in before.items():
                v = self.variable(key)
                if v is not None and not np.array_equal(_numpy(v), old):
                    found.append(key)
        return found


def wraps(original: Any) -> Any:
    """``functools.wraps`` that also gives the wrapper the original's ``__signature__``: Keras reads a
    layer's constructor with ``inspect.getfullargspec``, which does not follow ``__wrapped__`` (a wrapper
    seen as ``(self, *args, **kwargs)`` broke ``model.save``)."""

    def decorate(wrapper: Any) -> Any:
        wrapper = functools.wraps(original)(wrapper)
        with suppress(TypeError, ValueError):  # a builtin without a readable signature keeps none
            wrapper.__signature__ = inspect.signature(original)
        return wrapper

    return decorate


class _Gone:
    """A stand-in whose weak reference is dead at once: a layer known by its model's unit name."""


def _layers(model: Any) -> list[Any]:
    try:
        return list(model._flatten_layers(include_self=False, recursive=True))
    except Exception:
        return []


def _numpy(v: Any) -> np.ndarray:
    value = getattr(v, "value", v)
    if hasattr(value, "detach"):  # a torch tensor: copy, never a view of its memory
        return value.detach().cpu().numpy().copy()
    return np.array(value, copy=True)


def _learning_rate(opt: Any) -> float:
    try:
        return float(np.asarray(_numpy(opt.learning_rate)))
    except Exception:  # a schedule, or not built yet
        return 0.0


def _sub_models(model: Any) -> list[Any]:
    """The models inside ``model`` (not itself), outermost first."""
    import keras

    try:
        layers = list(model._flatten_layers(include_self=False, recursive=True))
    except Exception:
        return []
    return [layer for layer in layers if isinstance(layer, keras.Model)]


def model_variables(model: Any) -> list[Any]:
    """The variables of ``model`` that training could update: those built trainable, whatever the
    layers' ``trainable`` flags say now (those flags are what the doctor watches)."""
    seen: set[int] = set()
    found = []
    try:
        layers = list(model._flatten_layers(include_self=True, recursive=True))
    except Exception:
        return []
    for layer in layers:
        for v in getattr(layer, "_trainable_variables", []):
            if id(v) not in seen:
                seen.add(id(v))
                found.append(v)
    return found


def _has_new_variables(state: KerasState, model: Any) -> bool:
    return any(state._keys.get(v) is None for v in model_variables(model))
