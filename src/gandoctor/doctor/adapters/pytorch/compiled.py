"""Stepping aside for a ``torch.compile``d module.

Dynamo traces whatever Python runs inside a compiled module, the doctor's hooks and its
TorchFunctionMode included, and fails on them (or compiles them into the user's graph). So while a
compiled module runs during the probe, the probe's mode is taken off the stack, and the module is
treated as one opaque op: its tensor inputs are recorded as entries into its unit and its outputs
are tagged with the unit, so roles, gradients and steps are still followed. What happens *inside*
it (activations, inits, affine chains) is not seen; one ``SteppedAsideEvent`` says so.
"""

from __future__ import annotations

import sys
from typing import Any

import torch
from torch import nn
from torch.utils._pytree import tree_flatten

from gandoctor.doctor.adapters.pytorch.probe_mode import ProbeMode
from gandoctor.doctor.events import SteppedAsideEvent
from gandoctor.doctor.locations import user_location
from gandoctor.doctor.recorder import Recorder, Tag


def is_compiled(module: nn.Module) -> bool:
    """A ``torch.compile``d module. Dynamo is looked up only once the script has imported it (no module
    is compiled before): importing it here would load triton, whose native library crashes a process that
    imported TensorFlow first (``import tensorflow`` then ``import gandoctor`` in a notebook)."""
    eval_frame = sys.modules.get("torch._dynamo.eval_frame")
    return eval_frame is not None and isinstance(module, eval_frame.OptimizedModule)


class CompiledModules:
    def __init__(self, rec: Recorder, mode: ProbeMode) -> None:
        self.rec = rec
        self.mode = mode
        self._popped: list[bool] = []
        self._seen: set[int] = set()

    def enter(self, module: nn.Module, unit: str | None, inputs: Any) -> None:
        """Before a compiled module runs: note it once, record its inputs, take the probe off the stack."""
        rec = self.rec
        if id(module) not in self._seen:
            self._seen.add(id(module))
            rec.run.stepped_aside.append(
                SteppedAsideEvent(rec.next_seq(), rec.step, "torch.compile", unit or "", user_location())
            )
        if unit is not None and rec.probe:
            for x in tree_flatten(inputs)[0]:
                if isinstance(x, torch.Tensor) and not rec.is_param(x):
                    tag = rec.tag(x)
                    if tag is None or unit not in tag.units:
                        self.mode.record_entry(unit, x, tag)
        depth = torch._C._len_torch_function_stack()
        top = torch._C._get_function_stack_at(depth - 1) if depth else None
        popped = top is self.mode
        if popped:
            torch._C._pop_torch_function_stack()
        self._popped.append(popped)

    def exit(self, module: nn.Module, output: Any) -> None:
        """After it ran: put the probe back and tag the outputs as the unit's own."""
        if self._popped and self._popped.pop() and self.mode.active:
            torch._C._push_on_torch_function_stack(self.mode)
        rec = self.rec
        if not rec.probe:
            return
        keys = [rec.param_key(p) for p in module.parameters()]
        units = frozenset(rec.unit_of(k) for k in keys if k is not None)
        if not units:
            return
        for out in tree_flatten(output)[0]:
            if isinstance(out, torch.Tensor):
                rec.set_tag(out, Tag(units, producer="compiled", location=user_location()))
