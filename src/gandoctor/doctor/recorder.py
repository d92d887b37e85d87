"""The recorder: the doctor's state while a script runs, shared by all hooks.

It assigns keys to parameters, names units (networks), keeps provenance *tags* of tensors during the
probe (which units computed a tensor, whether it came from noise, which op produced it), counts steps,
and turns any failure inside a hook into a ``DoctorErrorEvent`` instead of an exception in the script.
"""

from __future__ import annotations

import os
import time
import traceback
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.multiprocessing.reductions import StorageWeakRef

from gandoctor.doctor.events import (
    DoctorErrorEvent,
    Location,
    OptimizerInfo,
    ParamInfo,
    RunEvents,
    StepEvent,
    TensorStats,
)
from gandoctor.doctor.locations import assigned_name

# The probe watches each optimizer's first steps, however many steps of the others come first (the
# original WGAN runs 100 critic steps before the first generator step), within a budget of steps and time.
PROBE_MIN_STEPS_PER_OPTIMIZER = 2
PROBE_MAX_STEPS = 400
PROBE_MAX_SECONDS = 60.0


class StopTraining(Exception):
    """Raised from the optimizer-step hook at --max-steps; caught by the runner or ``watch``."""


@dataclass
class Tag:
    """What the doctor knows about one tensor during the probe."""

    units: frozenset[str] = frozenset()
    noise: bool = False
    producer: str = ""  # the op that computed it, looking through reshapes
    producer_params: tuple[int, ...] = ()
    location: Location | None = None
    inner: Tag | None = None  # for 1 - x and -x: the tag of x
    loss_call: int | None = None  # index of the LossCallEvent that produced it
    param_alias: int | None = None  # for p.data: the key of p
    fetched_at: Location | None = None  # the user line running when this tensor object was made
    # for cat/stack/add of several tensors with no parameter involved: each source (weakly) with its tag,
    # so that a unit consuming its own tensors mixed with an input (a conditional G's cat([z, embed(y)]))
    # is still seen to consume that input
    parts: tuple[Part, ...] = ()
    graph_seq: int | None = None  # the oldest parametrised op in its autograd history (see BackwardEvent)
    graph_location: Location | None = None
    flags: frozenset[str] = frozenset()  # carried through every op: "input_gradient_no_graph"
    filled_seq: int | None = None  # for a buffer filled in place (label.fill_(...)): when


# one source of a mix: (a weak reference to it, its tag, its statistics when taken at the mix)
Part = tuple[weakref.ref | None, Tag, TensorStats | None]


@dataclass
class UnitModule:
    name: str
    module: weakref.ref
    params: list[int] = field(default_factory=list)


class ById:
    """Values kept per object by ``id``, with a weak reference to tell a live object from a new one at
    a reused address. Never hashes the object itself: a module may define ``__hash__`` over state its
    own ``__init__`` has not set yet (torchmetrics' ``Metric`` does)."""

    def __init__(self) -> None:
        self._entries: dict[int, tuple[weakref.ref, Any]] = {}

    def get(self, obj: object) -> Any:
        entry = self._entries.get(id(obj))
        return entry[1] if entry is not None and entry[0]() is obj else None

    def put(self, obj: object, value: Any) -> weakref.ref | None:
        """Keep ``value`` for ``obj``; its weak reference, or None for a type that cannot have one."""
        try:
            ref = weakref.ref(obj)
        except TypeError:  # some tensor subclasses and module types cannot be weakly referenced
            return None
        self._entries[id(obj)] = (ref, value)
        return ref

    def __len__(self) -> int:
        return len(self._entries)

    def prune(self) -> None:
        """Drop the entries of objects that are gone."""
        self._entries = {k: v for k, v in self._entries.items() if v[0]() is not None}

    def clear(self) -> None:
        self._entries.clear()


def _storage_key(t: torch.Tensor) -> tuple:
    try:
        return (t.data_ptr(), tuple(t.shape), t.stride(), t.dtype)
    except RuntimeError:  # a tensor without storage (meta, some subclasses)
        return (id(t),)


def _storage_ref(t: torch.Tensor) -> StorageWeakRef | None:
    try:
        return StorageWeakRef(t.untyped_storage())
    except (RuntimeError, NotImplementedError, TypeError):  # no storage (sparse, some subclasses)
        return None


def stats_of(t: torch.Tensor) -> TensorStats:
    x = t.detach()
    if not x.is_floating_point():
        x = x.float()
    if x.numel() == 0:
        return TensorStats(tuple(t.shape), 0.0, 0.0, 0.0, 0.0)
    values = torch.stack([x.min(), x.max(), x.mean(), x.std() if x.numel() > 1 else x.new_zeros(())])
    lo, hi, mean, std = (float(v) for v in values.float().cpu())
    return TensorStats(tuple(t.shape), lo, hi, mean, std)


class Recorder:
    def __init__(self, max_steps: int | None = None) -> None:
        self.run = RunEvents()
        self.started = time.perf_counter()
        self.max_steps = max_steps
        self.step = 0
        self.probe = True
        self.in_optimizer_step = False
        self._seq = 0
        self._param_keys = ById()  # parameter -> key
        self._param_refs: dict[int, weakref.ref] = {}
        self._optimizers: dict[int, int] = {}  # id(optimizer) -> index
        self.unit_modules: dict[int, UnitModule] = {}  # id(module) -> unit
        self._splits: dict[int, tuple[int, bool]] = {}  # id(module) -> (optimizers counted, splits)
        self._buffers = ById()  # a unit module's buffers (running_mean, ...) -> True
        self._unit_counts: dict[str, int] = {}
        self._tags = ById()  # tensor -> Tag
        # (data_ptr, shape, stride, dtype) -> the tagged tensor, its storage and its tag (see ``tag``)
        self._by_storage: dict[tuple, tuple[weakref.ref, StorageWeakRef | None, Tag]] = {}
        self._module_locations = ById()  # module -> the line that built it
        self.module_stack: list[nn.Module] = []
        self.unit_call_location: Location | None = None  # the user's line calling the running unit
        # (probe) the tensor arguments of the running top-level unit call, by id -> position, and the
        # ids of those an op inside the call has read (see hooks/unit_calls.py)
        self.call_inputs: dict[int, int] = {}
        self.inputs_read: set[int] = set()
        self.used_params: set[int] = set()  # (probe) parameters seen taking part in an op
        self.candidate_optimizers: list[weakref.ref] = []  # built before watch(); see adopt_used_candidates
        self.named_roles: dict[int, str] = {}  # param key -> role, from watch(generator=, discriminator=)
        self.on_probe_end: list[Callable[[], None]] = []
        self.before_step: list[Callable[[], None]] = []  # (probe) called at each optimizer step
        self.on_param: list[Callable[[torch.Tensor, int], None]] = []
        # benchmarks set this to 0.0: wall seconds spent in the doctor's hook code after the probe
        self.hook_seconds: float | None = None

    # --- bookkeeping --------------------------------------------------------------------------
    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def now(self) -> int:
        """The current seq, to stamp a tensor with: any later event has a larger one."""
        return self._seq

    def guard(self, where: str, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a piece of the doctor; a failure becomes an event, never the script's exception."""
        if self.hook_seconds is not None and not self.probe:
            start = time.perf_counter()
            try:
                return self._guarded(where, fn, *args)
            finally:
                self.hook_seconds += time.perf_counter() - start
        return self._guarded(where, fn, *args)

    def _guarded(self, where: str, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except StopTraining:
            raise
        except Exception as exc:
            self.internal_error(where, exc)
            return None

    def internal_error(self, where: str, exc: BaseException) -> None:
        if len(self.run.doctor_errors) < 20:
            frames = [f"{os.path.basename(f.filename)}:{f.lineno} in {f.name}"
                      for f in traceback.extract_tb(exc.__traceback__)]
            self.run.doctor_errors.append(DoctorErrorEvent(where, f"{type(exc).__name__}: {exc}", frames))

    # --- parameters, optimizers, units ---------------------------------------------------------
    def param_key(self, p: torch.Tensor, create: bool = True) -> int | None:
        known = self._param_keys.get(p)
        if known is not None or not create:
            return known
        key = len(self.run.params)
        self._param_keys.put(p, key)
        self._param_refs[key] = weakref.ref(p)
        shape = tuple(p.shape)
        tag = self.tag(p)
        self.run.params[key] = ParamInfo(
            key=key,
            name="tensor[" + "x".join(str(s) for s in shape) + "]",
            shape=shape,
            unit=f"tensor#{key}",
            init_location=tag.location if tag else None,
            init_std=float(p.detach().float().std()) if p.numel() > 1 else None,
        )
        for callback in self.on_param:
            callback(p, key)
        return key

    def param(self, key: int) -> torch.Tensor | None:
        ref = self._param_refs.get(key)
        return None if ref is None else ref()

    def is_buffer(self, t: torch.Tensor) -> bool:
        return self._buffers.get(t) is not None

    def is_param(self, t: torch.Tensor) -> bool:
        """An ``nn.Parameter``, or a raw leaf tensor the doctor already knows as a parameter (made with
        ``requires_grad=True`` by a random init, or held by an optimizer).

        A real batch or a gradient-penalty interpolate that merely requires grad is *not* a parameter:
        it is an input, and taking it for a network of its own would hide the discriminator.
        """
        if isinstance(t, nn.Parameter):
            return True
        return t.is_leaf and t.requires_grad and self._param_keys.get(t) is not None

    def unit_of(self, key: int) -> str:
        return self.run.params[key].unit

    def add_optimizer(self, opt: torch.optim.Optimizer, location: Location | None) -> int:
        index = self._optimizers.get(id(opt))
        if index is not None:
            return index
        index = len(self.run.optimizers)
        self._optimizers[id(opt)] = index
        keys = []
        for group in opt.param_groups:
            for p in group["params"]:
                key = self.param_key(p)
                keys.append(key)
                info = self.run.params[key]
                info.optimizers.append(index)
                if info.unit.startswith("tensor#"):
                    self._move(key, f"optimizer#{index}")
        lr = opt.param_groups[0].get("lr", 0.0) if opt.param_groups else 0.0
        self.run.optimizers.append(
            OptimizerInfo(index, type(opt).__name__, float(lr), keys, location, assigned_name(location))
        )
        return index

    def optimizer_index(self, opt: torch.optim.Optimizer) -> int:
        index = self._optimizers.get(id(opt))
        return self.add_optimizer(opt, None) if index is None else index

    def optimizer_params(self, opt: torch.optim.Optimizer) -> list[torch.Tensor]:
        return [p for group in opt.param_groups for p in group["params"]]

    def add_unit_module(self, module: nn.Module) -> None:
        """A module the script calls directly becomes a unit, with its parameters.

        A parameter belongs to the smallest unit that holds it: a LightningModule (or any wrapper)
        called first takes all its parameters, and gives G's and D's back when they are called too.
        """
        if id(module) in self.unit_modules:
            return
        kind = type(getattr(module, "_orig_mod", module)).__name__  # a compiled module: the class inside
        count = self._unit_counts.get(kind, 0)
        self._unit_counts[kind] = count + 1
        unit = UnitModule(f"{kind}#{count}", weakref.ref(module))
        self.unit_modules[id(module)] = unit
        for b in module.buffers():  # BatchNorm's running statistics are state, not inputs
            self._buffers.put(b, True)
        for name, p in module.named_parameters():
            key = self.param_key(p)
            info = self.run.params[key]
            if info.unit.startswith(("tensor#", "optimizer#")) or self._is_wider(info.unit, module):
                info.name = f"{unit.name}.{name}"
                self._move(key, unit.name)
            unit.params.append(key)

    def _is_wider(self, unit_name: str, module: nn.Module) -> bool:
        """Whether the unit ``unit_name`` is a module that contains ``module``."""
        outer = next((u.module() for u in self.unit_modules.values() if u.name == unit_name), None)
        return outer is not None and outer is not module and any(m is module for m in outer.modules())

    def splits(self, module: nn.Module) -> bool:
        """Whether ``module``'s parameters are trained by different optimizers (G and D in one wrapper)."""
        cached = self._splits.get(id(module))
        if cached is not None and cached[0] == len(self.run.optimizers):
            return cached[1]
        groups = set()
        for p in module.parameters():
            key = self.param_key(p, create=False)
            if key is not None and self.run.params[key].optimizers:
                groups.add(tuple(self.run.params[key].optimizers))
        value = len(groups) > 1
        self._splits[id(module)] = (len(self.run.optimizers), value)
        return value

    def innermost_unit(self) -> nn.Module | None:
        for module in reversed(self.module_stack):
            if id(module) in self.unit_modules:
                return module
        return None

    def set_module_location(self, module: nn.Module, loc: Location) -> None:
        self._module_locations.put(module, loc)

    def module_location(self, module: nn.Module) -> Location | None:
        return self._module_locations.get(module)

    def unit_name(self, module: nn.Module) -> str | None:
        unit = self.unit_modules.get(id(module))
        return None if unit is None else unit.name

    def _move(self, key: int, unit: str) -> None:
        info = self.run.params[key]
        old = self.run.units.get(info.unit)
        if old and key in old:
            old.remove(key)
            if not old:
                del self.run.units[info.unit]
        info.unit = unit
        self.run.units.setdefault(unit, []).append(key)

    # --- tags (probe only) -------------------------------------------------------------------
    def tag(self, t: torch.Tensor) -> Tag | None:
        tag = self._tags.get(t)
        if tag is not None:
            return tag
        # a new Python object over a tagged tensor's memory, made where the doctor cannot see it
        # (``Variable(x)``, ``torch.Tensor(x)``): the same values, the same provenance. The tagged object
        # may be gone (``x = Variable(x, requires_grad=True)`` rebinds its only name); while its storage
        # lives, the address cannot have been reused by other memory.
        alias = self._by_storage.get(_storage_key(t))
        if alias is None:
            return None
        ref, storage, tag = alias
        if ref() is not None or (storage is not None and not storage.expired()):
            return tag
        return None

    def set_tag(self, t: torch.Tensor, tag: Tag) -> None:
        ref = self._tags.put(t, tag)
        if ref is not None:
            self._by_storage[_storage_key(t)] = (ref, _storage_ref(t), tag)
        if len(self._tags) > 200_000:  # drop dead entries now and then
            self._tags.prune()
            self._by_storage = {k: v for k, v in self._by_storage.items()
                                if v[0]() is not None or (v[1] is not None and not v[1].expired())}

    def units_of(self, t: torch.Tensor) -> frozenset[str]:
        if self.is_param(t):
            key = self.param_key(t, create=False)
            if key is not None:
                return frozenset([self.unit_of(key)])
        tag = self.tag(t)
        return tag.units if tag else frozenset()

    # --- the probe ----------------------------------------------------------------------------
    def adopt_used_candidates(self) -> None:
        """Optimizers built before ``watch()`` whose parameters the watched code has used."""
        kept = []
        for ref in self.candidate_optimizers:
            opt = ref()
            if opt is None or id(opt) in self._optimizers:
                continue
            keys = [self.param_key(p, create=False) for p in self.optimizer_params(opt)]
            if self.used_params.intersection(k for k in keys if k is not None):
                self.add_optimizer(opt, None)
            else:
                kept.append(ref)
        self.candidate_optimizers = kept

    def probe_should_end(self) -> bool:
        if self.candidate_optimizers:
            self.adopt_used_candidates()
        if self.step >= PROBE_MAX_STEPS or time.perf_counter() - self.started > PROBE_MAX_SECONDS:
            return True
        if not self.run.optimizers:
            return False
        # wait for the optimizers in use: those that stepped or whose parameters ran in a forward (a
        # generator that has not stepped yet still runs in every critic step); not for stray ones
        counts: dict[int, int] = {}
        for s in self.run.steps_taken:
            counts[s.optimizer] = counts.get(s.optimizer, 0) + 1
        for o in self.run.optimizers:
            if o.index not in counts and self.used_params.intersection(o.params):
                counts[o.index] = 0
        return bool(counts) and min(counts.values()) >= PROBE_MIN_STEPS_PER_OPTIMIZER

    def step_taken(self, event: StepEvent) -> None:
        """Count one optimizer step (any framework's), end the probe when it has seen enough, and stop the
        script at --max-steps. Adapters other than torch's call this after each step."""
        self.step += 1
        event.step = self.step
        event.seq = self.next_seq()
        self.run.steps_taken.append(event)
        if self.probe and self.probe_should_end():
            self.end_probe()
        if self.max_steps and self.step >= self.max_steps:
            raise StopTraining(f"stopped after {self.step} optimizer steps (--max-steps)")

    def end_probe(self) -> None:
        if not self.probe:
            return
        self.probe = False
        self.run.probe_steps = self.step
        self._tags.clear()
        self._by_storage.clear()
        for callback in self.on_probe_end:
            self.guard("end of probe", callback)
