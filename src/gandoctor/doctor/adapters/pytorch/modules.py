"""Module hooks: where each module was constructed, which modules the script calls directly (units),
and the stack of modules running now (so an op inside ``nn.Sigmoid()`` is located at that line).

These global hooks run only during the probe; afterwards only the generator's and discriminator's own
forward hooks (stats.py) remain.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import torch
from torch import nn
from torch.nn.modules.module import register_module_forward_hook, register_module_forward_pre_hook

from gandoctor.doctor.adapters.pytorch import unit_calls
from gandoctor.doctor.adapters.pytorch.compiled import CompiledModules, is_compiled
from gandoctor.doctor.locations import called_by_torch, passes_through, user_location
from gandoctor.doctor.recorder import Recorder


def install(rec: Recorder, compiled: CompiledModules,
            on_unit_output: Callable[[nn.Module, Any, Any], None]) -> Callable[[], None]:
    original_init = nn.Module.__init__

    @passes_through
    @functools.wraps(original_init)
    def init(self: nn.Module, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        loc = user_location()
        if loc is not None:
            rec.guard("module init", rec.set_module_location, self, loc)

    def pre(module: nn.Module, inputs: Any) -> None:
        if rec.in_optimizer_step or torch.compiler.is_compiling():
            return
        unit = None
        if not rec.module_stack and called_by_torch():
            pass  # torch's own machinery (a parametrization computing a weight): not one of the networks
        elif not rec.module_stack:
            rec.guard("module hook", rec.add_unit_module, module)
            rec.unit_call_location = user_location()
            unit = rec.unit_name(module)
            if rec.probe:
                rec.guard("unit call", unit_calls.begin, rec, module, inputs)
        elif rec.guard("module hook", _nested_unit, module):
            rec.guard("module hook", rec.add_unit_module, module)
        if is_compiled(module):
            rec.guard("compiled module", compiled.enter, module, unit, inputs)
        rec.module_stack.append(module)

    def post(module: nn.Module, inputs: Any, output: Any) -> None:
        if rec.in_optimizer_step or torch.compiler.is_compiling():
            return
        if is_compiled(module):
            rec.guard("compiled module", compiled.exit, module, output)
        stack = rec.module_stack
        while stack:
            if stack.pop() is module:
                break
        if not stack and rec.probe and id(module) in rec.unit_modules:
            rec.guard("unit call", unit_calls.end, rec, module, inputs, output)
            rec.guard("unit output", on_unit_output, module, inputs, output)

    def _nested_unit(module: nn.Module) -> bool:
        """Inside a wrapper whose parameters different optimizers train (``self(z)`` of a LightningModule
        that runs G, or a GAN module running G then D), a submodule trained by one is a unit itself."""
        outer = rec.innermost_unit()
        if outer is None or id(module) in rec.unit_modules or not rec.splits(outer):
            return False
        return next(module.parameters(), None) is not None and not rec.splits(module)

    nn.Module.__init__ = init  # type: ignore[method-assign]
    handles = [register_module_forward_pre_hook(pre), register_module_forward_hook(post, always_call=True)]
    removed = False

    def remove() -> None:
        nonlocal removed
        if removed:
            return
        removed = True
        nn.Module.__init__ = original_init  # type: ignore[method-assign]
        for h in handles:
            h.remove()
        rec.module_stack.clear()

    return remove
