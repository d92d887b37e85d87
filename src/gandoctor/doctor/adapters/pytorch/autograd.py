"""Backward calls and gradient arrival.

``torch.autograd.backward`` (which ``Tensor.backward`` calls) is wrapped to see each loss the script
backpropagates. During the probe, a hook on every parameter sees each gradient as it arrives, *before*
it is added to ``.grad``, so the doctor knows whether it lands on a fresh ``.grad`` or on one that an
earlier backward left there (and that an optimizer may already have applied: missing zero_grad).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import torch

from gandoctor.doctor.events import (
    INPUT_GRADIENT,
    BackwardEvent,
    FailedOpEvent,
    InputGradientEvent,
    OutputGradEvent,
)
from gandoctor.doctor.locations import passes_through, user_location
from gandoctor.doctor.recorder import Recorder, Tag


class GradTracker:
    def __init__(self, rec: Recorder, on_loss: Callable[[torch.Tensor], None]) -> None:
        self.rec = rec
        self.on_loss = on_loss
        self.current: BackwardEvent | None = None
        self.contributors: dict[int, list[int]] = {}  # param key -> backward indexes in its .grad
        self.consumed: dict[int, set[int]] = {}  # param key -> backward indexes already applied
        self._handles: dict[int, Any] = {}
        rec.on_param.append(self.watch_param)
        rec.on_probe_end.append(self.remove_param_hooks)

    # --- per-parameter hooks (probe) ---------------------------------------------------------
    def watch_param(self, p: torch.Tensor, key: int) -> None:
        if not self.rec.probe or key in self._handles or not p.requires_grad:
            return
        self._handles[key] = p.register_hook(functools.partial(self._arrived, key, p))

    def watch_all(self) -> None:
        """Retry parameters whose hook could not be registered (requires_grad was off)."""
        for key in list(self.rec.run.params):
            p = self.rec.param(key)
            if p is not None:
                self.watch_param(p, key)

    def _arrived(self, key: int, p: torch.Tensor, grad: torch.Tensor) -> None:
        self.rec.guard("gradient hook", self._record_arrival, key, p, grad)

    def _record_arrival(self, key: int, p: torch.Tensor, grad: torch.Tensor) -> None:
        event = self.current
        if event is None:
            return
        with torch.no_grad():
            nonzero = bool(grad.detach().abs().sum() > 0)
            previous = p.grad
            fresh = previous is None or not bool(previous.detach().abs().sum() > 0)
        (event.params if nonzero else event.zero_params).append(key)
        if fresh:
            self.contributors[key] = [event.index] if nonzero else []
        else:
            event.accumulated_onto.append(key)
            if nonzero:
                self.contributors.setdefault(key, []).append(event.index)

    def consume(self, keys: list[int], params: list[torch.Tensor]) -> tuple[list[int], list[int]]:
        """At an optimizer step: the backward calls whose gradients it applies, and the stale ones."""
        sources: set[int] = set()
        stale: set[int] = set()
        with torch.no_grad():
            for key, p in zip(keys, params, strict=True):
                if p.grad is None or not bool(p.grad.detach().abs().sum() > 0):
                    continue
                mine = set(self.contributors.get(key, []))
                already = self.consumed.setdefault(key, set())
                sources |= mine
                stale |= mine & already
                already |= mine
        return sorted(sources), sorted(stale)

    def remove_param_hooks(self) -> None:
        for handle in self._handles.values():
            handle.remove()
        self._handles.clear()

    # --- the backward wrapper ----------------------------------------------------------------
    def before_backward(self, roots: Any) -> None:
        rec = self.rec
        if isinstance(roots, torch.Tensor):
            roots = [roots]
        tensors = [t for t in roots if isinstance(t, torch.Tensor)]
        if not tensors:
            return
        root = tensors[0]
        if not rec.probe:
            self.current = None
            if root.numel() == 1:
                self.on_loss(root)
            return
        self.watch_all()
        loss = float(root.detach().float().sum()) if root.numel() == 1 else None
        tag = rec.tag(root)
        event = BackwardEvent(rec.next_seq(), rec.step, len(rec.run.backwards), user_location(),
                              root.grad_fn is not None, loss, tag.location if tag else None,
                              tag.graph_seq if tag else None, tag.graph_location if tag else None,
                              sorted(tag.flags) if tag else [])
        rec.run.backwards.append(event)
        self.current = event
        if root.numel() == 1:
            self.on_loss(root)


    # --- which way each loss pushes a network's output (probe) ---------------------------------
    def watch_output(self, module: torch.nn.Module, inputs: Any, output: Any) -> None:
        """A hook on a unit call's output records the mean gradient each backward sends into it."""
        rec = self.rec
        unit = rec.unit_name(module)
        args = inputs if isinstance(inputs, tuple) else (inputs,)
        x = next((t for t in args if isinstance(t, torch.Tensor)), None)
        if unit is None or x is None or not isinstance(output, torch.Tensor) or not output.requires_grad:
            return
        tag = rec.tag(x)
        units = set(tag.units) - {unit} if tag else set()
        outside = tag is None or not tag.units or any(not part.units for _, part, _ in tag.parts)
        fed = "real" if not units else "fake" if not outside else "mixed"
        seq, step = rec.next_seq(), rec.step

        def arrived(grad: torch.Tensor) -> None:
            rec.guard("output gradient", self._output_grad, seq, step, unit, fed, sorted(units), grad)

        output.register_hook(arrived)

    def _output_grad(self, seq: int, step: int, unit: str, fed: str, origin: list[str],
                     grad: torch.Tensor) -> None:
        if self.current is None:  # torch.autograd.grad (a penalty), not a loss's backward
            return
        self.rec.run.output_grads.append(OutputGradEvent(seq, step, unit, fed, origin, self.current.index,
                                                         float(grad.detach().float().mean())))

    # --- torch.autograd.grad: gradients with respect to inputs (gradient penalties) -------------
    def failed_input_grad(self, inputs: Any) -> None:
        """``torch.autograd.grad`` raised (an input that needs no grad): where its inputs were made."""
        rec = self.rec
        if not rec.probe or rec.run.failed_ops:
            return
        ins = [inputs] if isinstance(inputs, torch.Tensor) else [t for t in inputs if torch.is_tensor(t)]
        tags = [rec.tag(t) for t in ins]
        made_at = [tag.location if tag else None for tag in tags]
        units = [sorted(tag.units) if tag else [] for tag in tags]
        rec.run.failed_ops.append(FailedOpEvent(rec.next_seq(), rec.step, "autograd.grad", user_location(),
                                                [str(t.device) for t in ins], made_at, units, INPUT_GRADIENT))

    def after_input_grad(self, outputs: Any, inputs: Any, result: Any, args: tuple, kwargs: dict) -> None:
        rec = self.rec
        if not rec.probe:
            return
        create_graph = bool(kwargs.get("create_graph", args[2] if len(args) > 2 else False))
        outs = [outputs] if isinstance(outputs, torch.Tensor) else list(outputs)
        ins = [inputs] if isinstance(inputs, torch.Tensor) else list(inputs)
        units = frozenset().union(*(t.units for t in (rec.tag(o) for o in outs) if t))
        loc = user_location()
        # interpolates between real and generated samples (a unit's output is in them; R1's reals are not)
        first = rec.tag(ins[0]) if ins else None
        mixed = sorted(int(f.split(":")[1]) for f in first.flags if f.startswith("interpolation:")) \
            if first is not None and first.units else []
        rec.run.input_gradients.append(InputGradientEvent(
            rec.next_seq(), rec.step, loc, create_graph, sorted(units), tuple(ins[0].shape) if ins else (),
            mixed))
        flags = frozenset({"input_gradient"}) if create_graph else \
            frozenset({"input_gradient", "input_gradient_no_graph"})
        for g in result if isinstance(result, (tuple, list)) else [result]:
            if isinstance(g, torch.Tensor):
                rec.set_tag(g, Tag(units, producer="input_gradient", location=loc, flags=flags,
                                   graph_seq=rec.now() if create_graph else None, graph_location=loc))


def install(rec: Recorder, tracker: GradTracker) -> Callable[[], None]:
    original = torch.autograd.backward
    original_grad = torch.autograd.grad

    @passes_through
    @functools.wraps(original_grad)
    def grad(outputs: Any, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            result = original_grad(outputs, inputs, *args, **kwargs)
        except Exception:
            rec.guard("autograd.grad", tracker.failed_input_grad, inputs)
            raise
        rec.guard("autograd.grad", tracker.after_input_grad, outputs, inputs, result, args, kwargs)
        return result

    @passes_through
    @functools.wraps(original)
    def backward(tensors: Any, *args: Any, **kwargs: Any) -> Any:
        rec.guard("backward", tracker.before_backward, tensors)
        try:
            return original(tensors, *args, **kwargs)
        finally:
            tracker.current = None

    torch.autograd.backward = backward
    torch.autograd.grad = grad

    def remove() -> None:
        torch.autograd.backward = original
        torch.autograd.grad = original_grad
        tracker.remove_param_hooks()

    return remove
