"""Keras optimizers and train steps: each step the script takes is one ``StepEvent`` (``rec.step_taken``).

A step is one ``train_on_batch`` / ``fit`` batch (Keras' ``train_function`` call), or one
``optimizer.apply_gradients``/``apply`` the script calls eagerly. Inside a ``tf.function`` the optimizer's
Python code runs only while the function is traced: what it applied is kept with the function and
replayed at each execution (``tape.py``; Keras' own ``train_function`` is handled here the same way).

During the probe each step compares the values of the variables it could train before and after
(``StepEvent.changed_params``): this is how a model compiled while frozen is seen to learn nothing,
and a combined generator step to move the discriminator too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gandoctor.doctor.adapters.keras3 import losses, models, stats
from gandoctor.doctor.adapters.keras3.state import Applied, KerasState, TrainCall, wraps
from gandoctor.doctor.events import Location, StepEvent, StepStats
from gandoctor.doctor.locations import name_in_frame, passes_through, user_location


def emit_steps(state: KerasState, applied: list[Applied], before: dict | None,
               location: Location | None, trained: list[int] | None = None,
               idle_optimizer: int | None = None, numbers: dict | None = None) -> None:
    """One StepEvent per application, at its ``apply_gradients`` line as far as the script wrote one (else
    at the call that ran it); ``trained``: the model's params when the step trains a model (the
    params it was meant to train); ``idle_optimizer``: a model's optimizer that applied nothing (its
    model had no trainable weights), which still is the script's step; ``numbers``: the cheap per-step
    numbers of a train call (``stats.py``), kept when the call is one step."""
    rec = state.rec
    changed = state.changed(before) if before is not None else None
    probe = rec.probe  # a first traced execution is in the probe, unmeasured (changed_params None)
    rec.run.framework = "keras"  # the fixes a user reads are written in Keras/TF2 terms
    events = []
    if not applied and idle_optimizer is not None:
        keys = trained or []
        events.append(StepEvent(0, 0, idle_optimizer, len(keys), len(keys), location, probe,
                                grads_zero=0 if before is not None else None,
                                changed=bool(changed) if changed is not None else None,
                                changed_params=changed, trained_params=list(keys)))
    for a in applied:
        keys = trained if trained is not None and len(applied) == 1 else a.keys
        with_grad = set(a.with_grad)
        mine = set(a.keys) | set(keys)
        moved = [k for k in changed if k in mine] if changed is not None else None
        events.append(StepEvent(0, 0, a.optimizer, len(keys), sum(1 for k in keys if k not in with_grad),
                                a.location or location, probe,
                                changed=bool(moved) if moved is not None else None,
                                sources=list(a.sources), changed_params=moved, trained_params=list(keys)))
    for i, event in enumerate(events):
        if i < len(events) - 1:
            rec.guard("keras step", _count, state, event)
            continue
        try:
            _count(state, event)  # may raise StopTraining at --max-steps: after the other events
        finally:
            if numbers and len(events) == 1:
                rec.run.stats.append(StepStats(event.step, event.optimizer, **numbers))


def _count(state: KerasState, event: StepEvent) -> None:
    state.rec.step_taken(event)


def install(state: KerasState, undo: list[Callable[[], None]]) -> None:
    """Patch Keras; each patch's undo goes to ``undo`` as soon as it is made."""
    import keras
    from keras.src.optimizers.base_optimizer import BaseOptimizer

    rec = state.rec

    def patch(cls: Any, name: str, wrapper: Any) -> None:
        had = name in cls.__dict__
        original = cls.__dict__.get(name)
        setattr(cls, name, wrapper)

        def restore() -> None:
            if had:
                setattr(cls, name, original)
            else:
                delattr(cls, name)

        undo.append(restore)

    # optimizer construction: its line
    original_init = BaseOptimizer.__init__

    @passes_through
    @wraps(original_init)
    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        loc = user_location()
        if loc is not None and state.optimizer_lines.get(self) is None:
            state.optimizer_lines.put(self, loc)

    patch(BaseOptimizer, "__init__", init)

    # a loss object's construction: its line (BinaryCrossentropy(from_logits=True))
    original_loss_init = keras.losses.Loss.__init__

    @passes_through
    @wraps(original_loss_init)
    def loss_init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_loss_init(self, *args, **kwargs)
        loc = user_location()
        if loc is not None and state.loss_lines.get(self) is None:
            state.loss_lines.put(self, loc)

    patch(keras.losses.Loss, "__init__", loss_init)

    # apply / apply_gradients (apply_gradients calls apply)
    original_apply = BaseOptimizer.apply

    @passes_through
    @wraps(original_apply)
    def apply(self: Any, grads: Any, trainable_variables: Any = None) -> Any:
        grads = list(grads)
        variables = list(trainable_variables) if trainable_variables is not None else None
        eager = _executing_eagerly(state)
        direct = eager and state.train_call is None
        before = None
        if direct and rec.probe:
            before = rec.guard("keras apply", _snapshot_for, state, self, variables)
        # known before the step runs: an optimizer whose step raises still is the script's
        applied = rec.guard("keras apply", _applied, state, self, grads, variables)
        with state.aside():  # the update's own ops are no part of the model (torch backend)
            out = original_apply(self, grads, variables)
        if applied is None:
            return out
        if state.train_call is not None:
            state.train_call.applied.append(applied)
        elif not eager:
            if state.trace_frames:
                state.trace_frames[-1].append(applied)
        else:
            emit_steps(state, [applied], before, applied.location)
        return out

    patch(BaseOptimizer, "apply", apply)

    # compile(): the model's optimizer, located at its construction (or at compile for "adam")
    original_compile = keras.Model.compile

    @passes_through
    @wraps(original_compile)
    def compile(self: Any, *args: Any, **kwargs: Any) -> Any:
        out = original_compile(self, *args, **kwargs)
        rec.guard("keras compile", _compiled, self, user_location())
        return out

    def _compiled(model: Any, loc: Location | None) -> None:
        rec.run.framework = "keras"
        state.register_model(model)
        state.compile_lines.put(model, loc)
        opt = getattr(model, "optimizer", None)
        if opt is not None:
            if state.optimizer_lines.get(opt) is None:
                state.optimizer_lines.put(opt, loc)
            # what it will update, as far as the flags say now (its first step tells for sure)
            index = state.optimizer_index(opt, [state.key(v) for v in model.trainable_weights], model=model)
            info = rec.run.optimizers[index]
            owner = name_in_frame(model)  # for messages only: "discriminator.optimizer"
            if not info.name and owner:
                info.name = f"{owner}.optimizer"
            sharing = state.sharing(opt)
            if len(sharing) > 1:  # one object, several models' optimizers: each named by its model
                for other, i in sharing:
                    if owner := name_in_frame(other):
                        rec.run.optimizers[i].name = f"{owner}.optimizer"
        if rec.probe:
            models.record_structure(state, model, loc)

    patch(keras.Model, "compile", compile)

    # make_train_function: every call of the train function it makes is one step
    original_make = keras.Model.make_train_function

    @passes_through
    @wraps(original_make)
    def make_train_function(self: Any, *args: Any, **kwargs: Any) -> Any:
        out = original_make(self, *args, **kwargs)
        fn = getattr(self, "train_function", None)
        if fn is not None and not getattr(fn, "_gandoctor_watched", False):
            self.train_function = _watched(self, fn)
        return out

    def _watched(model: Any, fn: Any) -> Any:
        @passes_through
        def train_function(*args: Any, **kwargs: Any) -> Any:
            return train_call(model, fn, args, kwargs)

        train_function._gandoctor_watched = True  # type: ignore[attr-defined]
        return train_function

    patch(keras.Model, "make_train_function", make_train_function)

    cached: dict[int, list[Applied]] = {}  # id(model) -> what its traced train step applies

    def train_call(model: Any, fn: Any, args: tuple, kwargs: dict) -> Any:
        if state.train_call is not None:
            return fn(*args, **kwargs)
        batch = state.pending_batch  # train_on_batch's x (fit: its x when an array), else None
        prepared = rec.guard("keras train step", _prepare, model) if rec.probe else None
        state.pending_batch = state.pending_target = None
        call = TrainCall(model, prepared[0] if prepared else state.step_lines.get(model))
        state.train_call = call  # its own forward is read from its structure; a custom train_step's
        try:  # calls of other models (GAN.train_step running G and D) are watched as the script's
            out = fn(*args, **kwargs)
        finally:
            state.train_call = None
        if call.applied:  # TensorFlow may trace the step more than once: one application per optimizer
            last = {a.optimizer: a for a in call.applied}
            cached[id(model)] = list(last.values())
        applied = cached.get(id(model), [])
        opt = getattr(model, "optimizer", None)
        idle = None
        if opt is not None:
            idle = rec.guard("keras step", lambda: state.optimizer_index(opt, model=model))
        if idle is not None and applied and all(a.optimizer != idle for a in applied):
            # a custom train_step trains with optimizers of its own: the compiled one is not in use
            rec.guard("keras step", state.drop_guess, idle)
            idle = None
        trained = prepared[1] if prepared else state.trained.get(model)
        before = prepared[2] if prepared else None
        numbers = None if rec.probe else rec.guard("keras stats", stats.numbers, state, model, batch, out)
        emit_steps(state, applied, before, call.location, trained, idle, numbers)
        return out

    def _prepare(model: Any) -> tuple:
        loc = user_location()
        state.step_lines.put(model, loc)
        state.register_model(model)
        keys = state.model_keys(model)
        state.trained.put(model, keys)
        rec.used_params.update(keys)  # its optimizer is in use: the probe waits for its steps
        batch, state.pending_batch = state.pending_batch, None
        target, state.pending_target = state.pending_target, None
        models.record_batch_entries(state, model, batch, loc)
        rec.guard("keras loss", losses.record, state, model, batch, target, loc)
        return loc, keys, state.snapshot(keys)

    # train_on_batch / fit: the batch the model is trained on (for the data flow)
    original_tob = keras.Model.train_on_batch

    @passes_through
    @wraps(original_tob)
    def train_on_batch(self: Any, x: Any = None, y: Any = None, *args: Any, **kwargs: Any) -> Any:
        state.pending_batch, state.pending_target = x, y
        return original_tob(self, x, y, *args, **kwargs)

    patch(keras.Model, "train_on_batch", train_on_batch)

    original_fit = keras.Model.fit

    @passes_through
    @wraps(original_fit)
    def fit(self: Any, x: Any = None, y: Any = None, *args: Any, **kwargs: Any) -> Any:
        state.pending_batch = x if hasattr(x, "shape") else None
        state.pending_target = y if hasattr(y, "shape") else None
        return original_fit(self, x, y, *args, **kwargs)

    patch(keras.Model, "fit", fit)

    if state.backend == "torch":  # Keras infers shapes by running layers on meta tensors: not the run
        from keras.src import backend as keras_backend

        original_spec = keras_backend.compute_output_spec

        @passes_through
        @wraps(original_spec)
        def compute_output_spec(*args: Any, **kwargs: Any) -> Any:
            with state.aside():
                return original_spec(*args, **kwargs)

        patch(keras_backend, "compute_output_spec", compute_output_spec)

        # metric trackers (the loss's running mean, compiled metrics) keep their state in torch
        # parameters: bookkeeping, not networks
        from keras.src.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum
        from keras.src.trainers.trainer import Trainer

        for cls, name in ((Mean, "update_state"), (Sum, "update_state"),
                          (MeanMetricWrapper, "update_state"), (Trainer, "compute_metrics")):
            patch(cls, name, _aside(state, cls.__dict__[name]))


def _aside(state: KerasState, fn: Any) -> Any:
    @passes_through
    @wraps(fn)
    def run_aside(*args: Any, **kwargs: Any) -> Any:
        with state.aside():
            return fn(*args, **kwargs)

    return run_aside


def _executing_eagerly(state: KerasState) -> bool:
    if state.backend != "tensorflow":
        return True
    import tensorflow as tf

    return tf.executing_eagerly()


def _snapshot_for(state: KerasState, opt: Any, variables: list | None) -> dict:
    if variables is None:
        variables = list(getattr(opt, "_trainable_variables", []))
    return state.snapshot([state.key(v) for v in variables])


def _applied(state: KerasState, opt: Any, grads: list, variables: list | None) -> Applied:
    if variables is None:
        variables = list(getattr(opt, "_trainable_variables", []))
    keys = [state.key(v) for v in variables]
    with_grad = [k for k, g in zip(keys, grads, strict=False) if g is not None]
    # the compiled optimizer of the model whose train step runs now is that model's (one object
    # compiled into D and into the combined model is two optimizers); any other is the script's own
    call = state.train_call
    model = call.model if call is not None and getattr(call.model, "optimizer", None) is opt else None
    index = state.optimizer_index(opt, keys, applied=True, model=model)
    sources = set()
    if state.rec.probe:
        sources = {s for g in grads if g is not None and (s := state.grad_sources.get(g)) is not None}
    return Applied(index, keys, with_grad, user_location(), sorted(sources))
