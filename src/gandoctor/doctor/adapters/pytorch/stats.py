"""Cheap per-step numbers (``StepStats``) for the statistical checks, kept on the device.

Every value is a 0-d tensor computed with device-side reductions and read back in one batch every
``FLUSH_EVERY`` steps, so the script never waits on a ``.item()`` per step. Gradient norms,
diversities and the input fingerprints are computed every ``SAMPLE_EVERY`` steps only (a repeated
batch is just as constant when sampled).
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from gandoctor.doctor.events import DISCRIMINATOR, GENERATOR, Roles, StepStats
from gandoctor.doctor.recorder import Recorder

FLUSH_EVERY = 20
SAMPLE_EVERY = 5
REAL_DIVERSITY_SAMPLES = 20  # the real batches' spread is measured this many times, then known
BCE_NODES = {"BinaryCrossEntropyWithLogitsBackward0", "BinaryCrossEntropyBackward0"}
GRAPH_NODES = 8  # how far from the loss to look for them (loss = bce(real) + bce(fake) is 3 nodes)
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
        self._g_calls = 0  # generator / real-batch discriminator calls seen, for sampling
        self._backwards = 0
        self._raw_discriminator = False  # D is raw tensors (an optimizer unit), not a module
        self._optimizer_roles: dict[int, str] = {}
        self._real_calls = 0
        self._handles: list[Any] = []

    def on_loss(self, root: torch.Tensor) -> None:
        # the loss a step applies is the sum of its backwards (errD_real.backward(); errD_fake.backward())
        previous = self.current.get("loss")
        loss = root.detach()
        self.current["loss"] = loss if previous is None else previous + loss
        if self._raw_discriminator and root.grad_fn is not None:
            self._backwards += 1
            if self._backwards % SAMPLE_EVERY == 1:
                self._bce_outputs(root.grad_fn)

    def _bce_outputs(self, grad_fn: Any) -> None:
        """D(real)/D(fake) of a discriminator made of raw tensors, from the BCE nodes near the loss.

        A BCE node keeps its input (D's output) and target for the backward pass; a target above 0.5
        marks the real batch. Which one it is stays on the device until the flush (NaN: not this one).
        """
        queue, visited = [grad_fn], 0
        while queue and visited < GRAPH_NODES:
            node = queue.pop(0)
            visited += 1
            if type(node).__name__ not in BCE_NODES:
                queue.extend(n for n, _ in node.next_functions if n is not None)
                continue
            out = node._saved_self.detach().mean(dtype=torch.float32)
            is_real = node._saved_target.detach().mean(dtype=torch.float32) > 0.5
            nan = torch.full((), float("nan"), device=out.device)
            self.current["maybe_d_real"] = torch.where(is_real, out, self.current.get("maybe_d_real", nan))
            self.current["maybe_d_fake"] = torch.where(is_real, self.current.get("maybe_d_fake", nan), out)

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
        if self._raw_discriminator and self._optimizer_roles.get(index) != DISCRIMINATOR:
            self.current.pop("maybe_d_real", None)  # the generator's loss also calls D: not these
            self.current.pop("maybe_d_fake", None)
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
        by_device: dict[torch.device, list[tuple[StepStats, str, torch.Tensor]]] = {}
        for item in pending:
            by_device.setdefault(item[2].device, []).append(item)
        for items in by_device.values():  # one stack and one copy per device, not one per value
            values = torch.stack([t if t.dim() == 0 else t.reshape(()) for _, _, t in items])
            for (record, name, _), value in zip(items, values.float().cpu().tolist(), strict=True):
                if name.startswith("maybe_"):
                    if math.isnan(value):
                        continue
                    name = name.removeprefix("maybe_")
                setattr(record, name, float(value))
        self.rec.run.stats.extend(record for record, _ in self.buffer)
        self.buffer.clear()

    # --- module hooks on the generator and discriminator, installed after the probe -----------
    def watch(self, roles: Roles) -> None:
        """Hook the generator and discriminator modules; a raw-tensor D is read from its BCE losses."""
        self._optimizer_roles = dict(roles.optimizers)
        d_units = [u for u, r in roles.units.items() if r == DISCRIMINATOR]
        modules = {unit.name for unit in self.rec.unit_modules.values()}
        self._raw_discriminator = bool(d_units) and not (set(d_units) & modules)
        for unit in self.rec.unit_modules.values():
            module = unit.module()
            role = roles.units.get(unit.name)
            if module is None or role not in (GENERATOR, DISCRIMINATOR):
                continue
            hook = self._generator_hook if role == GENERATOR else self._discriminator_hook
            self._handles.append(module.register_forward_hook(hook))

    def _generator_hook(self, module: nn.Module, inputs: Any, output: Any) -> None:
        self.rec.guard("generator stats", self._generator, inputs, output)

    def _generator(self, inputs: Any, output: Any) -> None:
        z, out = _first_tensor(inputs), _first_tensor(output)
        if out is not None:
            self._fake_ptr = out.data_ptr()
        self._g_calls += 1
        if self._g_calls % SAMPLE_EVERY != 1:  # counted per call: a loop's period cannot dodge it
            return
        if z is not None and z.is_floating_point():
            self.current["noise_fingerprint"] = z.detach().sum(dtype=torch.float32)
        if out is not None:
            self.current["fake_diversity"] = _diversity(out)

    def _discriminator_hook(self, module: nn.Module, inputs: Any, output: Any) -> None:
        self.rec.guard("discriminator stats", self._discriminator, inputs, output)

    def _discriminator(self, inputs: Any, output: Any) -> None:
        x, out = _first_tensor(inputs), _first_tensor(output)
        if x is None or out is None:
            return
        fake = x.data_ptr() == self._fake_ptr
        # detach() rather than torch.no_grad(): one C call instead of a Python context manager
        self.current["d_fake" if fake else "d_real"] = out.detach().mean(dtype=torch.float32)
        if not fake and x.is_floating_point():
            self._real_calls += 1
            if self._real_calls % SAMPLE_EVERY == 1:
                self.current["real_fingerprint"] = x.detach().sum(dtype=torch.float32)
                if self._real_calls <= SAMPLE_EVERY * REAL_DIVERSITY_SAMPLES:  # the data's spread is fixed
                    self.current["real_diversity"] = _diversity(x)

    def remove(self) -> None:
        for h in self._handles:
            h.remove()
        self._handles.clear()
        self.flush()


