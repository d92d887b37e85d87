"""Optimizer hooks: construction (to know each optimizer and its line), and every step.

The step pre-hook counts parameters with no gradient (always, in Python, no device work) and, during
the probe, zero gradients, the gradient norm and which backward calls the applied gradients came from.
The post-hook counts the step, ends the probe, and stops the script at --max-steps.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import torch
from torch.optim.optimizer import register_optimizer_step_post_hook, register_optimizer_step_pre_hook

from gandoctor.doctor.adapters.pytorch.autograd import GradTracker
from gandoctor.doctor.adapters.pytorch.stats import StepStatsCollector
from gandoctor.doctor.events import Location, StepEvent
from gandoctor.doctor.locations import name_in_frame, passes_through, user_location
from gandoctor.doctor.recorder import Recorder, StopTraining


def _param_checksum(params: list[torch.Tensor]) -> float:
    with torch.no_grad():
        return float(sum(p.detach().double().sum() for p in params[:4])) if params else 0.0


def install(rec: Recorder, grads: GradTracker, stats: StepStatsCollector) -> Callable[[], None]:
    """``grads`` knows where each parameter's gradient came from; ``stats`` keeps the cheap numbers."""
    original_init = torch.optim.Optimizer.__init__

    @passes_through
    @functools.wraps(original_init)
    def init(self: torch.optim.Optimizer, *args: object, **kwargs: object) -> None:
        original_init(self, *args, **kwargs)
        rec.guard("optimizer init", rec.add_optimizer, self, user_location())

    pending: dict[int, tuple] = {}
    step_lines: dict[int, Location | None] = {}  # optimizer index -> the line of its step() in the probe

    def pre(opt: torch.optim.Optimizer, args: tuple, kwargs: dict) -> tuple | None:
        rec.in_optimizer_step = True
        closure = args[1] if len(args) > 1 else kwargs.get("closure")  # args[0] is the optimizer
        if callable(closure):  # opt.step(closure), as Lightning's automatic optimization does
            return _with_closure(opt, closure, args, kwargs)
        rec.guard("step pre-hook", _pre, opt)
        return None

    def _with_closure(opt: torch.optim.Optimizer, closure: Callable, args: tuple, kwargs: dict) -> tuple:
        """The closure computes the loss and its gradients inside step(): let the probe see it, then
        take the pre-step account. It is the same closure, called as the optimizer calls it."""

        @passes_through
        def watched_closure() -> object:
            rec.in_optimizer_step = False
            try:
                return closure()
            finally:
                rec.in_optimizer_step = True
                rec.guard("step pre-hook", _pre, opt)

        if len(args) > 1:
            return (args[0], watched_closure, *args[2:]), kwargs
        return args, {**kwargs, "closure": watched_closure}

    def _pre(opt: torch.optim.Optimizer) -> None:
        index = rec.optimizer_index(opt)
        params = rec.optimizer_params(opt)
        none = sum(1 for p in params if p.grad is None)
        if not rec.probe:
            pending[id(opt)] = (index, len(params), none)
            stats.before_step(index, params)
            return
        for callback in rec.before_step:
            rec.guard("named roles", callback)
        zero = 0
        sq = 0.0
        keys = [rec.param_key(p) for p in params]
        with torch.no_grad():
            for p in params:
                if p.grad is not None:
                    n = float(p.grad.detach().float().norm())
                    sq += n * n
                    zero += n == 0.0
        sources, stale = grads.consume(keys, params)
        pending[id(opt)] = (index, len(params), none, zero, sq**0.5, sources, stale, _param_checksum(params))

    def post(opt: torch.optim.Optimizer, args: tuple, kwargs: dict) -> None:
        rec.in_optimizer_step = False
        rec.guard("step post-hook", _post, opt)
        if rec.max_steps and rec.step >= rec.max_steps:
            raise StopTraining(f"stopped after {rec.step} optimizer steps (--max-steps)")

    def _post(opt: torch.optim.Optimizer) -> None:
        info = pending.pop(id(opt), None)
        rec.step += 1
        if info is None:
            return
        index, n, none = info[0], info[1], info[2]
        if len(info) == 3:  # after the probe: the line seen for this optimizer then (no stack walk)
            loc = step_lines.get(index)
            rec.run.steps_taken.append(StepEvent(rec.next_seq(), rec.step, index, n, none, loc, probe=False))
            stats.after_step(index)
            return
        _, _, _, zero, norm, sources, stale, checksum = info
        loc = step_lines[index] = user_location()
        named = name_in_frame(opt)
        if named:
            rec.run.optimizers[index].name = named
        changed = _param_checksum(rec.optimizer_params(opt)) != checksum
        rec.run.steps_taken.append(
            StepEvent(rec.next_seq(), rec.step, index, n, none, loc, True, zero, norm, changed, sources,
                      stale)
        )
        stats.after_step(index)
        if rec.probe_should_end():
            rec.end_probe()

    torch.optim.Optimizer.__init__ = init  # type: ignore[method-assign]
    handles = [register_optimizer_step_pre_hook(pre), register_optimizer_step_post_hook(post)]

    def remove() -> None:
        torch.optim.Optimizer.__init__ = original_init  # type: ignore[method-assign]
        for h in handles:
            h.remove()

    return remove
