"""Cheap per-step numbers (``StepStats``) for the statistical checks, kept on the device.

Every value is a 0-d tensor computed with device-side reductions and read back in one batch every
``FLUSH_EVERY`` steps, so the script never waits on a ``.item()`` per step. Gradient norms and
diversities are computed every ``SAMPLE_EVERY`` steps only.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from gandoctor.doctor.events import DISCRIMINATOR, GENERATOR, StepStats
from gandoctor.doctor.hooks.recorder import Recorder

FLUSH_EVERY = 20
SAMPLE_EVERY = 5
_FIELDS = ("loss", "grad_norm", "d_real", "d_fake", "noise_fingerprint", "real_fingerprint",
           "fake_diversity", "real_diversity")


def _first_tensor(inputs: Any) -> torch.Tensor | None:
    for x in inputs if isinstance(inputs, (tuple, list)) else [inputs]:
        if isinstance(x, torch.Tensor):
            return x
    return None


def _diversity(x: torch.Tensor) -> torch.Tensor:
    flat = x.detach().flatten(1).float()
    return flat.std(0).mean() if flat.shape[0] > 1 else flat.new_zeros(())


class StepStatsCollector:
    def __init__(self, rec: Recorder) -> None:
        self.rec = rec
        self.current: dict[str, torch.Tensor] = {}
        self.buffer: list[tuple[StepStats, dict[str, torch.Tensor]]] = []
        self._fake_ptr: int | None = None
        self._handles: list[Any] = []

    def on_loss(self, loss: torch.Tensor) -> None:
        self.current["loss"] = loss

    def before_step(self, index: int, params: list[torch.Tensor]) -> None:
        if self.rec.step % SAMPLE_EVERY:
            return
        grads = [p.grad for p in params if p.grad is not None]
        if grads:
            with torch.no_grad():
                norms = torch._foreach_norm(grads)
                self.current["grad_norm"] = torch.linalg.vector_norm(torch.stack([n.float() for n in norms]))

    def after_step(self, index: int) -> None:
        rec = self.rec
        record = StepStats(rec.step, index)
        if rec.probe and rec.run.steps_taken:
            record.grad_norm = rec.run.steps_taken[-1].grad_norm
        self.buffer.append((record, self.current))
        self.current = {}
        if len(self.buffer) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Read every pending device value back at once and store the records."""
        pending = [(r, name, t) for r, values in self.buffer for name, t in values.items()]
        if pending:
            numbers = torch.stack([t.detach().float().reshape(()).cpu() for _, _, t in pending]).tolist()
            for (record, name, _), value in zip(pending, numbers, strict=True):
                setattr(record, name, float(value))
        self.rec.run.stats.extend(record for record, _ in self.buffer)
        self.buffer.clear()

    # --- module hooks on the generator and discriminator, installed after the probe -----------
    def watch_modules(self, roles: dict[str, str]) -> None:
        for unit in self.rec.unit_modules.values():
            module = unit.module()
            role = roles.get(unit.name)
            if module is None or role not in (GENERATOR, DISCRIMINATOR):
                continue
            hook = self._generator_hook if role == GENERATOR else self._discriminator_hook
            self._handles.append(module.register_forward_hook(hook))

    def _generator_hook(self, module: nn.Module, inputs: Any, output: Any) -> None:
        self.rec.guard("generator stats", self._generator, inputs, output)

    def _generator(self, inputs: Any, output: Any) -> None:
        z, out = _first_tensor(inputs), _first_tensor(output)
        with torch.no_grad():
            if z is not None and z.is_floating_point():
                self.current["noise_fingerprint"] = z.detach().float().sum()
            if out is not None:
                self._fake_ptr = out.data_ptr()
                if self.rec.step % SAMPLE_EVERY == 0:
                    self.current["fake_diversity"] = _diversity(out)

    def _discriminator_hook(self, module: nn.Module, inputs: Any, output: Any) -> None:
        self.rec.guard("discriminator stats", self._discriminator, inputs, output)

    def _discriminator(self, inputs: Any, output: Any) -> None:
        x, out = _first_tensor(inputs), _first_tensor(output)
        if x is None or out is None:
            return
        fake = x.data_ptr() == self._fake_ptr
        with torch.no_grad():
            self.current["d_fake" if fake else "d_real"] = out.detach().float().mean()
            if not fake and x.is_floating_point():
                self.current["real_fingerprint"] = x.detach().float().sum()
                if self.rec.step % SAMPLE_EVERY == 0:
                    self.current["real_diversity"] = _diversity(x)

    def remove(self) -> None:
        for h in self._handles:
            h.remove()
        self._handles.clear()
        self.flush()


