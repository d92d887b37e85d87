"""(probe) Each top-level call of a unit: which tensor arguments it got and which it read, and a mark on
its output.

An argument no op inside the call ever reads is one the network ignores: a conditional generator
called as ``G(z, labels)`` whose forward never uses ``labels``. The output is marked ``raw:<unit>`` so
that the probe can tell a loss that is a plain mean of a network's raw output (a Wasserstein critic's)
from one that passes through a nonlinearity (BCE, hinge, squares): see ``probe_mode.RAW_KEEPERS``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import torch
from torch import nn
from torch.utils._pytree import tree_flatten

from gandoctor.doctor.events import UnitCallEvent
from gandoctor.doctor.locations import user_location
from gandoctor.doctor.recorder import Recorder, Tag


def _tensors(inputs: Any) -> list[torch.Tensor]:
    flat, _ = tree_flatten(inputs)
    return [t for t in flat if isinstance(t, torch.Tensor)]


def begin(rec: Recorder, module: nn.Module, inputs: Any) -> None:
    rec.call_inputs = {id(t): i for i, t in enumerate(_tensors(inputs))}
    rec.inputs_read = set()


def end(rec: Recorder, module: nn.Module, inputs: Any, output: Any) -> None:
    unit = rec.unit_name(module)
    args = _tensors(inputs)
    read, rec.call_inputs, rec.inputs_read = rec.inputs_read, {}, set()
    if unit is None:
        return
    fed_by = sorted({u for t in args if (tag := rec.tag(t)) for u in tag.units} - {unit})
    rec.run.unit_calls.append(UnitCallEvent(
        rec.next_seq(), rec.step, unit, rec.unit_call_location or user_location(), [id(t) for t in args],
        [tuple(t.shape) for t in args], [i for i, t in enumerate(args) if id(t) not in read], fed_by))
    flag = f"raw:{unit}"
    for out in _tensors(output):
        tag = rec.tag(out) or Tag(units=frozenset([unit]))
        rec.set_tag(out, dataclasses.replace(tag, flags=tag.flags | {flag}))
