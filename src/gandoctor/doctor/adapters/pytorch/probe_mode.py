"""The probe: a TorchFunctionMode that sees every torch call during the first iterations.

It tags tensors with their provenance (see ``Tag``) and writes the probe events: entries into units,
loss calls, cuts of the gradient path, affine chains, squashing activations, parameter inits and
``requires_grad`` switches. It is removed when the probe ends, because passing every call through
Python costs about 14% of a small model's step.
"""

from __future__ import annotations

import os
import sys
import weakref
from typing import Any

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_flatten

from gandoctor.doctor.adapters.pytorch.op_kinds import AFFINE_OPS, op_kind
from gandoctor.doctor.events import (
    ActivationEvent,
    AffineChainEvent,
    CutEvent,
    EntryEvent,
    FailedOpEvent,
    GradientNormEvent,
    InterpolationEvent,
    LossCallEvent,
    NormLayerEvent,
    RequiresGradEvent,
    WeightConstraintEvent,
)
from gandoctor.doctor.locations import (
    assigned_at,
    is_user_file,
    made_by_library,
    passes_through,
    user_location,
)
from gandoctor.doctor.recorder import Part, Recorder, Tag, stats_of

NOISE = {"randn", "rand", "randn_like", "rand_like", "normal"}
INIT_INPLACE = {"normal_", "uniform_", "fill_", "zero_", "copy_", "kaiming_uniform_", "kaiming_normal_",
                "xavier_uniform_", "xavier_normal_", "trunc_normal_", "orthogonal_", "mul_", "div_"}
SHAPE = {"view", "reshape", "squeeze", "unsqueeze", "flatten", "__getitem__", "contiguous", "to", "float",
         "double", "half", "cuda", "cpu", "permute", "transpose", "expand", "view_as", "reshape_as", "t",
         "clone", "type", "detach"}  # detach cuts the gradient, not what the values are
SOFT = {"batch_norm", "instance_norm", "layer_norm", "group_norm", "dropout", "dropout2d", "dropout1d",
        "alpha_dropout", "feature_alpha_dropout"}
SQUASH = {"tanh": 2.5, "sigmoid": 5.0}
CUTS = {"detach": "detach", "detach_": "detach", "item": "item", "numpy": "numpy", "tolist": "tolist",
        "__float__": "item"}
LOSSES = {"binary_cross_entropy": "bce", "binary_cross_entropy_with_logits": "bce_with_logits",
          "mse_loss": "mse", "log": "log", "log1p": "log", "softplus": "softplus",
          "cross_entropy": "ce", "nll_loss": "nll", "l1_loss": "l1"}
NORMS = {"norm", "linalg_norm", "linalg_vector_norm", "vector_norm"}
FILLED = {"fill_", "full", "full_like", "ones", "ones_like", "zeros", "zeros_like"}  # a value set already
NORM_WEIGHT_ARG = {"batch_norm": 3, "instance_norm": 3, "group_norm": 2, "layer_norm": 2}  # where gamma goes
NEGATE = {"neg", "__neg__", "__rsub__", "rsub"}
ADD = {"add", "__add__", "__radd__", "add_", "__iadd__", "sub", "__sub__"}
MUL = {"mul", "__mul__", "__rmul__"}
JOIN = {"cat", "concat", "concatenate", "stack", "hstack", "vstack", "column_stack"}
MIX = JOIN | ADD | MUL
DIV = {"div", "__truediv__", "true_divide"}
CLAMP = {"clamp", "clamp_", "clip", "clip_"}
# the ops a network's raw output can pass through and still be "a mean of raw scores" (a Wasserstein
# loss): any other op (log, softplus, relu, pow, a loss function) ends the ``raw:<unit>`` mark
RAW_KEEPERS = SHAPE | ADD | JOIN | NEGATE | {"mean", "sum", "sub_", "__isub__"}
_OWN_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # gandoctor/doctor
_OVERRIDES = os.path.join("torch", "overrides.py")


def _name(func: Any) -> str:
    name = getattr(func, "__name__", "")
    if name in ("__get__", "__set__"):
        owner = getattr(func, "__self__", None)  # the property: Tensor.requires_grad, Tensor.data
        return f"Tensor.{getattr(owner, '__name__', '')}.{name}"
    return name


def _is_tensor(x: Any) -> bool:
    return isinstance(x, torch.Tensor)


def _parts(name: str, acts: list[torch.Tensor], tags: list[Tag | None], out: Any) -> tuple[Part, ...]:
    """The sources of a cat/stack/add/mul, flattened through nested mixes (see ``Tag.parts``).

    A factor broadcast onto the others (GP's ``alpha`` of shape (B, 1)) is a coefficient, not a source.
    Only a mix of different provenance has parts, and each one's statistics are taken now: an inline temporary
    (``img.view(B, -1)`` inside a ``cat``) is gone by the time the network consumes the mix.
    """
    size = out.numel() if _is_tensor(out) and name not in JOIN else 0  # cat's parts are smaller by design
    kept = [(a, t) for a, t in zip(acts, tags, strict=True) if a.numel() * 4 > size or (t and t.parts)]
    mixed = len({t.units if t else frozenset() for _, t in kept}) > 1
    if not mixed:
        return ()  # one provenance (a collated batch, a scaled fake): not a mix worth taking apart
    parts: list[Part] = []
    for act, tag in kept:
        if tag is not None and tag.parts:
            for ref, part, stats in tag.parts:
                source = ref() if ref is not None and stats is None else None
                parts.append((ref, part, stats_of(source) if source is not None else stats))
            continue
        try:
            ref: weakref.ref | None = weakref.ref(act)
        except TypeError:  # a tensor subclass that cannot be weakly referenced
            ref = None
        parts.append((ref, tag or Tag(), stats_of(act)))
    return tuple(parts)


class ProbeMode(TorchFunctionMode):
    def __init__(self, rec: Recorder) -> None:
        super().__init__()
        self.rec = rec
        self.active = True
        self._seen: set[tuple] = set()
        self._partial_sums: dict[int, GradientNormEvent] = {}  # sum(g ** 2, dim) waiting for its sqrt
        self._interpolations: dict[tuple, str] = {}  # (line, step, per element) -> its flag

    @passes_through
    def __torch_function__(self, func, types, args=(), kwargs=None):  # noqa: ANN001
        kwargs = kwargs or {}
        rec = self.rec
        if not self.active or rec.in_optimizer_step or torch.compiler.is_compiling():
            return func(*args, **kwargs)
        name = _name(func)
        if name == "backward":
            return func(*args, **kwargs)
        before = None
        if name in LOSSES or name in SQUASH or name in CUTS or name == "Tensor.requires_grad.__set__":
            before = rec.guard("probe", self._before, name, args, kwargs)
        try:
            out = func(*args, **kwargs)
        except Exception:
            rec.guard("probe", self._failed, name, args, kwargs)
            raise
        rec.guard("probe", self._after, name, args, kwargs, out, before)
        return out

    # --- before the call: things that need the inputs' values as they are now ---------------
    def _before(self, name: str, args: tuple, kwargs: dict) -> Any:
        rec = self.rec
        if name == "Tensor.requires_grad.__set__" and len(args) >= 2:
            self._requires_grad([args[0]], bool(args[1]))
            return None
        if name in CUTS and args and _is_tensor(args[0]):
            units = rec.units_of(args[0])
            if units and not rec.is_param(args[0]):
                loc = user_location()
                key = ("cut", name, loc, rec.step)
                if key not in self._seen:
                    self._seen.add(key)
                    rec.run.cuts.append(CutEvent(rec.next_seq(), rec.step, CUTS[name], sorted(units), loc))
        return None

    def _failed(self, name: str, args: tuple, kwargs: dict) -> None:
        """An op raised: what went in, so a check can name where the cause was made (a loss call is
        still recorded with its input, as if it had run)."""
        rec = self.rec
        if rec.run.failed_ops:
            return  # the first failure is the one the script dies of
        flat, _ = tree_flatten((args, kwargs))
        tensors = [t for t in flat if _is_tensor(t)]
        tags = [None if rec.is_param(t) else rec.tag(t) for t in tensors]
        loc = user_location()
        rec.run.failed_ops.append(FailedOpEvent(
            rec.next_seq(), rec.step, name, loc, [str(t.device) for t in tensors],
            [tag.location if tag else None for tag in tags],
            [sorted(rec.units_of(t)) for t in tensors], op_kind(name)))
        acts = [t for t in tensors if not rec.is_param(t) and not rec.is_buffer(t)]
        if name in LOSSES and acts:
            self._loss_call(name, acts, [rec.tag(a) for a in acts], loc, self._location(name)[0])

    def _requires_grad(self, tensors: list[torch.Tensor], value: bool) -> None:
        rec = self.rec
        keys = [rec.param_key(t, create=isinstance(t, torch.nn.Parameter)) for t in tensors if t.is_leaf]
        keys = [k for k in keys if k is not None]
        if not keys:
            return
        loc = user_location()
        last = rec.run.requires_grad[-1] if rec.run.requires_grad else None
        if last and last.location == loc and last.value == value and last.step == rec.step:
            last.params.extend(k for k in keys if k not in last.params)
        else:
            rec.run.requires_grad.append(RequiresGradEvent(rec.next_seq(), rec.step, keys, value, loc))

    # --- after the call: tag outputs, write events -------------------------------------------
    def _after(self, name: str, args: tuple, kwargs: dict, out: Any, before: Any) -> None:
        rec = self.rec
        flat, _ = tree_flatten((args, kwargs))
        tensors = [t for t in flat if _is_tensor(t)]
        params: list[int] = []
        acts: list[torch.Tensor] = []
        for t in tensors:
            if rec.is_param(t):
                key = rec.param_key(t)
                if key is not None:
                    params.append(key)
            elif not rec.is_buffer(t):
                acts.append(t)

        if name not in INIT_INPLACE:
            rec.used_params.update(params)
        if rec.call_inputs:
            rec.inputs_read.update(id(t) for t in tensors if id(t) in rec.call_inputs)
        if name in CLAMP and tensors:
            self._clip(name, tensors[0], out)
        if name == "requires_grad_" and tensors:
            value = bool(args[1]) if len(args) > 1 else bool(kwargs.get("requires_grad", True))
            self._requires_grad(tensors[:1], value)
        if name == "Tensor.data.__get__" and tensors and _is_tensor(out):
            key = rec.param_key(tensors[0], create=False)
            if key is not None:
                rec.set_tag(out, Tag(units=frozenset([rec.unit_of(key)]), param_alias=key))
                return
            units = rec.units_of(tensors[0])
            if units:
                cut = CutEvent(rec.next_seq(), rec.step, "data", sorted(units), user_location())
                rec.run.cuts.append(cut)
        if name in INIT_INPLACE and tensors:
            target = tensors[0]
            key = rec.param_key(target, create=False) if rec.is_param(target) else None
            alias = rec.tag(target)
            if key is None and alias is not None:
                key = alias.param_alias
            if key is not None:
                info = rec.run.params[key]
                info.init_location = user_location()
                info.init_std = float(target.detach().float().std()) if target.numel() > 1 else None
                return

        acts_tags = [rec.tag(a) for a in acts]
        units = frozenset({rec.unit_of(k) for k in params}).union(*(t.units for t in acts_tags if t))
        noise = any(t.noise for t in acts_tags if t)
        first = acts_tags[0] if acts_tags else None
        loc, direct = self._location(name)
        # an op run by library code (DataLoader's collate, a transform) keeps its input's line
        if direct:
            made_at = loc
        elif first is not None and first.location is not None:
            made_at = first.location  # library code (a DataLoader's collate) keeps its input's line
        else:  # a tensor library code made, or one made where the doctor could not see it
            made_at = made_by_library() or (assigned_at(acts[0]) if acts else None) or loc

        if params and not torch.is_grad_enabled() and name not in INIT_INPLACE:
            where = rec.unit_call_location if rec.module_stack else loc
            key = ("no_grad", where, rec.step)
            if key not in self._seen:
                self._seen.add(key)
                param_units = sorted({rec.unit_of(k) for k in params})
                rec.run.cuts.append(CutEvent(rec.next_seq(), rec.step, "no_grad", param_units, where))
        if name in NORM_WEIGHT_ARG and params:
            self._norm_scale(name, args, kwargs)
        if name in NORM_WEIGHT_ARG:
            self._norm_layer(name, params, args, kwargs, loc)
        if name in AFFINE_OPS and acts:
            self._reparametrized(name, args, kwargs, loc)
        interpolation = None
        if name in MUL and len(acts) == 2 and not params:
            interpolation = self._interpolation(acts, acts_tags, out, loc)
        if params and acts:
            self._entries(name, params, acts, acts_tags, loc)
        chained = first is not None and first.producer in AFFINE_OPS and first.producer_params
        if name in AFFINE_OPS and params and chained:
            self._affine_chain(name, params, first, loc)
        if name in SQUASH and acts:
            self._squash(name, acts[0], first, loc)
        loss_index = None
        if name in LOSSES and acts:
            loss_index = self._loss_call(name, acts, acts_tags, user_location(), loc)
        gradient_norm = None  # a norm of an input gradient: followed into the loss (not a logged number)
        if acts and first is not None and "input_gradient" in first.flags:
            gradient_norm = self._gradient_norm(name, acts[0], first, args, kwargs, loc)

        # the tag of the output
        scalar_shift = name in ADD and len(acts) == 1 and not params  # x + eps keeps x's meaning
        if name in NOISE and rec.run.optimizers:
            tag = Tag(noise=True, producer=name, location=loc)
        elif name in SHAPE or name in SOFT or (scalar_shift and first is not None):
            base = first or Tag()
            tag = Tag(units, noise, base.producer, base.producer_params, base.location or made_at, base.inner,
                      base.loss_call, fetched_at=base.fetched_at, parts=base.parts)
        elif name in ADD and params and first is not None and first.producer in AFFINE_OPS:
            # x @ W + b: still the affine op's output, with its bias
            tag = Tag(units, noise, first.producer, first.producer_params + tuple(params), made_at)
        elif name in NEGATE:
            tag = Tag(units, noise, "rsub" if "rsub" in name else "neg", tuple(params), loc, inner=first)
            if first is not None and first.loss_call is not None:
                rec.run.loss_calls[first.loss_call].negated = True
        elif name in MUL and first is not None and first.loss_call is not None:
            scalars = [a for a in args if isinstance(a, (int, float))]
            if scalars and scalars[0] < 0:
                rec.run.loss_calls[first.loss_call].negated = True
            tag = Tag(units, noise, first.producer, (), loc, loss_call=first.loss_call)
        elif name in ("mean", "sum") and first is not None and first.loss_call is not None:
            tag = Tag(units, noise, first.producer, (), loc, loss_call=first.loss_call)
        elif name in MIX and not params and len(acts) > 1:
            tag = Tag(units, noise, name, (), made_at, parts=_parts(name, acts, acts_tags, out))
        else:
            tag = Tag(units, noise, name, tuple(params), made_at, loss_call=loss_index,
                      inner=first if name == "fill_" else None)
        self._history(tag, name, params, acts_tags, loc)
        if name == "fill_":
            tag.filled_seq = rec.now()
        if loss_index is not None:  # followed into the backpropagated loss: which step applies it
            tag.flags = tag.flags | {f"loss:{loss_index}"}
        if gradient_norm is not None:
            tag.flags = tag.flags | {gradient_norm}
        if interpolation is not None:
            tag.flags = tag.flags | {interpolation}
        many = out if isinstance(out, (tuple, list)) else []
        outs = [out] if _is_tensor(out) else [o for o in many if _is_tensor(o)]
        if tag.fetched_at is None:
            tag.fetched_at = user_location()
        for o in outs:
            rec.set_tag(o, tag)
        if name in NOISE and _is_tensor(out) and out.requires_grad and out.is_leaf:
            # a raw-tensor parameter: torch.randn(..., requires_grad=True)
            rec.set_tag(out, Tag(location=loc))
            key = rec.param_key(out)
            rec.run.params[key].init_location = loc

    def _norm_scale(self, name: str, args: tuple, kwargs: dict) -> None:
        rec = self.rec
        index = NORM_WEIGHT_ARG[name]
        weight = kwargs.get("weight", args[index] if len(args) > index else None)
        key = rec.param_key(weight, create=False) if _is_tensor(weight) else None
        if key is not None and rec.run.params[key].norm_scale is None:
            rec.run.params[key].norm_scale = float(weight.detach().abs().float().mean())

    def _history(self, tag: Tag, name: str, params: list[int], tags: list[Tag | None], loc) -> None:
        """The oldest parametrised op behind the output, and the flags its inputs carry."""
        rec = self.rec
        flags = frozenset().union(*(t.flags for t in tags if t))
        if not self._keeps_raw(name, tags):
            flags = frozenset(f for f in flags if not f.startswith("raw:"))
        if params:  # a network's op: what went in is no longer an interpolate
            flags = frozenset(f for f in flags if not f.startswith("interpolation:"))
        tag.flags = flags
        if name in CUTS or not torch.is_grad_enabled():
            return  # no graph behind a detached tensor
        found = [(t.graph_seq, t.graph_location) for t in tags if t and t.graph_seq is not None]
        if params:
            found.append((rec.now(), rec.unit_call_location if rec.module_stack else loc))
        if found:
            tag.graph_seq, tag.graph_location = min(found, key=lambda f: f[0])

    @staticmethod
    def _keeps_raw(name: str, tags: list[Tag | None]) -> bool:
        """Whether the op keeps a raw network output raw: a reshape, sum, mean, difference, or scaling
        by a constant (only one marked input in a product or quotient)."""
        if name in MUL or name in DIV:
            return sum(1 for t in tags if t and any(f.startswith("raw:") for f in t.flags)) <= 1
        return name in RAW_KEEPERS

    def _clip(self, name: str, target: torch.Tensor, out: Any) -> None:
        """``p.data.clamp_(-c, c)`` (or ``p.clamp_`` under no_grad) on a parameter: weight clipping."""
        rec = self.rec
        key = rec.param_key(target, create=False) if rec.is_param(target) else None
        if key is None:
            alias = rec.tag(target)
            key = alias.param_alias if alias is not None else None
        if key is None or (not name.endswith("_") and out is not target):
            return
        loc = user_location()
        unit = rec.unit_of(key)
        last = rec.run.weight_constraints[-1] if rec.run.weight_constraints else None
        if last and last.kind == "clip" and last.location == loc and last.step == rec.step \
                and last.unit == unit and key not in last.params:
            last.params.append(key)
            return
        rec.run.weight_constraints.append(WeightConstraintEvent(rec.next_seq(), rec.step, "clip", unit,
                                                                [key], loc))

    def _reparametrized(self, name: str, args: tuple, kwargs: dict, loc) -> None:
        """A linear/conv whose weight is computed from a parameter (spectral_norm, weight_norm)."""
        rec = self.rec
        weight = kwargs.get("weight", args[1] if len(args) > 1 else None)
        if not _is_tensor(weight) or weight.ndim < 2 or rec.is_param(weight) or not weight.requires_grad:
            return
        tag = rec.tag(weight)  # a layer's output multiplied in (attention's q @ k) is not a weight
        if tag is None or not tag.producer_params or tag.noise or tag.producer in AFFINE_OPS:
            return
        unit = rec.unit_of(tag.producer_params[0])
        key = ("reparametrized", unit, loc)
        if key in self._seen:
            return
        self._seen.add(key)
        rec.run.weight_constraints.append(WeightConstraintEvent(
            rec.next_seq(), rec.step, "reparametrized", unit, list(tag.producer_params), loc))

    def _norm_layer(self, name: str, params: list[int], args: tuple, kwargs: dict, loc) -> None:
        rec = self.rec
        module = rec.innermost_unit()
        unit = rec.unit_of(params[0]) if params else rec.unit_name(module) if module is not None else None
        if unit is None:
            return
        batch_stats = True
        if name == "batch_norm":
            batch_stats = bool(kwargs.get("training", args[5] if len(args) > 5 else False))
        elif name == "instance_norm" or name in ("layer_norm", "group_norm"):
            batch_stats = False  # per-sample statistics
        key = ("norm", unit, name, batch_stats, loc)
        if key in self._seen:
            return
        self._seen.add(key)
        event = NormLayerEvent(rec.next_seq(), rec.step, unit, op_kind(name), batch_stats, loc)
        rec.run.norm_layers.append(event)

    def _interpolation(self, acts: list[torch.Tensor], tags: list[Tag | None], out: Any, loc) -> str | None:
        """``alpha * x`` with a random ``alpha`` and an ``x`` of data or a network's output, as the
        interpolates of a gradient penalty are made: is alpha one value per sample or per element?"""
        rec = self.rec
        if not _is_tensor(out) or out.ndim < 2:
            return None
        pure = [bool(t and t.noise and not t.units) for t in tags]
        made_by_net = [bool(t and t.units) for t in tags]
        if pure.count(True) == 1:
            coef, other = (acts[0], acts[1]) if pure[0] else (acts[1], acts[0])
        elif made_by_net.count(True) == 1 and not any(pure):
            # a weight drawn outside torch (numpy) carries no noise tag: seen where it multiplies the
            # generated batch, (1 - alpha) * fake
            coef, other = (acts[1], acts[0]) if made_by_net[0] else (acts[0], acts[1])
        else:
            return None
        if other.numel() != out.numel() or coef.ndim == 0:
            return None
        if not any(pure) and (coef.requires_grad or not _fractions(coef)):
            return None  # not a weight drawn outside torch: a learned factor, or a 0/1 mask
        try:
            values = coef.detach().expand_as(out).reshape(out.shape[0], -1)
        except RuntimeError:
            return None
        per_element = values.shape[1] > 1 and bool((values.amax(1) - values.amin(1)).max() > 0)
        key = (loc, rec.step, per_element)
        if key not in self._interpolations:  # alpha * real + (1 - alpha) * fake: one event per line
            event = InterpolationEvent(rec.next_seq(), rec.step, loc, tuple(coef.shape), per_element)
            rec.run.interpolations.append(event)
            self._interpolations[key] = f"interpolation:{event.seq}"
        return self._interpolations[key]

    def _gradient_norm(self, name: str, x: torch.Tensor, tag: Tag, args: tuple, kwargs: dict,
                       loc) -> str | None:
        """A norm of an input gradient, or the sqrt of a partial sum of its squares: over which dims."""
        rec = self.rec
        if name in NORMS or (name == "sum" and x.ndim >= 3):
            at = 2 if name in NORMS else 1  # norm(x, p, dim) / sum(x, dim)
            dim = kwargs.get("dim", args[at] if len(args) > at else None)
            if name == "sum" and dim is None:
                return None  # a sum of every square is R1's penalty: correct
            given = [dim] if isinstance(dim, int) else dim
            dims = None if dim is None else sorted({d % x.ndim for d in given})
            per_sample = dims == list(range(1, x.ndim))
            event = GradientNormEvent(rec.next_seq(), rec.step, loc, x.ndim, dims, per_sample)
            if name == "sum":  # a norm only once its square root is taken
                self._partial_sums[event.seq] = event
                return f"gradient_sum:{event.seq}"
            rec.run.gradient_norms.append(event)
            return f"gradient_norm:{event.seq}"
        if name == "sqrt":
            for flag in sorted(tag.flags):
                if flag.startswith("gradient_sum:"):
                    event = self._partial_sums.pop(int(flag.split(":")[1]), None)
                    if event is not None:
                        rec.run.gradient_norms.append(event)
                        return f"gradient_norm:{event.seq}"
        return None

    def _location(self, name: str):
        """(line, direct): the user's line, and whether user code called this op itself.

        Inside a built-in torch.nn module, the line is the one that constructed the module.
        """
        stack = self.rec.module_stack
        if stack:
            top = stack[-1]
            if type(top).__module__.startswith("torch."):
                loc = self.rec.module_location(top)
                if loc is not None:
                    return loc, True
        return user_location(), self._called_from_user(name)

    @staticmethod
    def _called_from_user(name: str) -> bool:
        f = sys._getframe(1)
        skipped_self = False
        while f is not None:
            filename = f.f_code.co_filename
            if filename.startswith(_OWN_DIR) or filename.endswith(_OVERRIDES):
                f = f.f_back
                continue
            if not skipped_self and f.f_code.co_name == name and not is_user_file(filename):
                skipped_self = True  # the Python body of the op itself, e.g. F.binary_cross_entropy
                f = f.f_back
                continue
            return is_user_file(filename)
        return True

    def _entries(self, name: str, params: list[int], acts: list, tags: list, loc) -> None:
        for unit in sorted({self.rec.unit_of(k) for k in params}):
            for act, tag in zip(acts, tags, strict=True):
                if tag is not None and tag.parts:
                    # a mix (cat([real, fake]), cat([z, embed(y)])): each source that enters the unit here
                    for ref, part, stats in tag.parts:
                        if unit not in part.units:
                            source = ref() if ref is not None else None
                            if stats is None and source is not None:
                                stats = stats_of(source)
                            self._entry(unit, act, part, loc, stats)
                elif tag is None or unit not in tag.units:
                    self._entry(unit, act, tag, loc)

    def record_entry(self, unit: str, act: torch.Tensor, tag: Tag | None) -> None:
        """An input entering ``unit`` where the mode cannot see the ops (a compiled module)."""
        self._entry(unit, act, tag, user_location())

    def _entry(self, unit: str, act: torch.Tensor, tag: Tag | None, loc, stats=None) -> None:
        rec = self.rec
        origin = sorted(tag.units) if tag else []
        noise = bool(tag and tag.noise)
        key = ("entry", unit, tuple(origin), noise, loc, rec.step, act.requires_grad)
        if key in self._seen:
            return
        self._seen.add(key)
        rec.run.entries.append(
            EntryEvent(rec.next_seq(), rec.step, unit, origin, noise, stats or stats_of(act), loc,
                       tag.location if tag else None, op_kind(tag.producer) if tag else "",
                       tag.fetched_at if tag else None, bool(act.requires_grad))
        )

    def _affine_chain(self, name: str, params: list[int], first: Tag, loc) -> None:
        rec = self.rec
        unit = rec.unit_of(params[0])
        if rec.unit_of(first.producer_params[0]) != unit:
            return
        key = ("affine", first.location, loc)
        if key in self._seen:
            return
        self._seen.add(key)
        rec.run.affine_chains.append(
            AffineChainEvent(rec.next_seq(), rec.step, unit, first.producer, name, first.location, loc)
        )

    def _squash(self, name: str, x: torch.Tensor, tag: Tag | None, loc) -> None:
        rec = self.rec
        key = ("squash", loc, rec.step)
        if key in self._seen or not x.is_floating_point() or x.numel() == 0:
            return
        self._seen.add(key)
        xd = x.detach()
        saturated = float((xd.abs() > SQUASH[name]).float().mean())
        weights = tuple(tag.producer_params) if tag else ()
        units = sorted(tag.units) if tag else []
        rec.run.activations.append(
            ActivationEvent(rec.next_seq(), rec.step, name, units[0] if units else "", saturated,
                            float(xd.abs().mean()), list(weights), loc)
        )

    def _loss_call(self, name: str, acts: list, tags: list, loc, module_loc) -> int:
        rec = self.rec
        kind = LOSSES[name]
        x, tag = acts[0], tags[0]
        producer = tag.producer if tag else ""
        input_loc = tag.location if tag else None
        units = sorted(tag.units) if tag else []
        if kind == "log" and tag is not None and tag.producer in ("rsub", "neg") and tag.inner is not None:
            kind = "log1m"
            producer, input_loc = tag.inner.producer, tag.inner.location
            units = sorted(tag.inner.units)
        event = LossCallEvent(rec.next_seq(), rec.step, len(rec.run.loss_calls), kind, loc, op_kind(producer),
                              input_loc, stats_of(x), units, input_op=producer)
        if len(acts) > 1 and kind in ("bce", "bce_with_logits", "mse", "l1"):
            target, target_tag = acts[1], tags[1]
            event.target = stats_of(target)
            if event.target.max - event.target.min < 1e-6:
                event.target_value = event.target.mean
            # one label buffer refilled before each loss (pytorch/examples' label.fill_(fake_label)): the
            # wrong target is set at the fill, not at the loss call
            if target_tag is not None and target_tag.producer == "fill_" and target_tag.inner is not None \
                    and target_tag.inner.producer in FILLED:
                event.target_location, event.target_fill_seq = target_tag.location, target_tag.filled_seq
        if module_loc != loc:
            event.loss_location = module_loc
        rec.run.loss_calls.append(event)
        return event.index


def _fractions(t: torch.Tensor) -> bool:
    """Values in [0, 1] that are not all 0 or 1 (a mixing weight, not a mask)."""
    values = t.detach()
    return bool(((values >= 0) & (values <= 1)).all()) and bool(((values > 0) & (values < 1)).any())
