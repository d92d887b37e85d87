"""non-finite-loss: NaN or Inf in a network's input, a loss, or a gradient.

Reports the first place it appeared, in the order the doctor saw things: a non-finite batch
entering a network (the line that computed it, e.g. dividing by a zero standard deviation), a loss
input, a loss value, then a gradient norm. Once a NaN reaches the weights every later number is NaN,
so the first appearance is the only one worth reading.
"""

from __future__ import annotations

import math

from gandoctor.doctor.events import Location, RunEvents, TensorStats
from gandoctor.doctor.findings import Finding, Text

ID = "non-finite-loss"
SEVERITY = "error"
EXPLAINS = {"discriminator-overpowering", "mode-collapse", "data-range-mismatch"}
TEXT = {
    "en": Text(
        summary="{value} first appeared at step {step_seen} in {where}",
        explanation="A NaN or Inf spreads to every weight it touches through the next optimizer step; "
        "from then on nothing the network computes means anything.",
        fix="Fix the first place it appears: guard divisions (add an epsilon to a std or norm), keep "
        "log() inputs positive (use the with-logits losses instead of log(sigmoid(x))), and check the data "
        "with torch.isfinite(x).all() before training.",
    ),
    "zh": Text(
        summary="{value} 最早出现在第 {step_seen} 步的 {where}",
        explanation="NaN 或 Inf 会在下一次优化器更新时扩散到它接触的每个权重；此后网络算出的一切都没有意义。",
        fix="修正它第一次出现的地方：除法加 epsilon（标准差或范数），保证 log() 的输入为正"
        "（用 with-logits 损失代替 log(sigmoid(x))），训练前用 torch.isfinite(x).all() 检查数据。",
    ),
}


def _bad(value: float | None) -> bool:
    return value is not None and not math.isfinite(value)


def _bad_stats(stats: TensorStats | None) -> float | None:
    """The first non-finite summary number of a tensor, or None when all are finite."""
    if stats is None:
        return None
    return next((v for v in (stats.min, stats.max, stats.mean) if _bad(v)), None)


def _word(value: float) -> str:
    return "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")


def detect(run: RunEvents) -> list[Finding]:
    # (step, seq, value, where, location) of each first sighting; seq orders events within a step
    seen: list[tuple[int, int, float, str, Location | None]] = []
    for e in run.entries:
        value = _bad_stats(e.stats)
        if value is not None:
            seen.append((e.step, e.seq, value, f"the input of {e.unit}", e.data_location or e.location))
    for c in run.loss_calls:
        value = _bad_stats(c.input_stats)
        if value is not None:
            where = f"the input of a {c.kind} loss"
            seen.append((c.step, c.seq, value, where, c.input_location or c.location))
    for b in run.backwards:
        if _bad(b.loss):
            seen.append((b.step, b.seq, b.loss, "a loss passed to backward()", b.location))  # type: ignore[arg-type]
    for s in run.steps_taken:
        if _bad(s.grad_norm):
            seen.append((s.step - 1, s.seq, s.grad_norm, f"the gradient of optimizer #{s.optimizer}",
                         s.location))  # type: ignore[arg-type]
    if not seen:  # after the probe only the cheap per-step numbers remain
        by_optimizer = {o.index: o for o in run.optimizers}
        for s in run.stats:
            for name in ("loss", "grad_norm"):
                value = getattr(s, name)
                if _bad(value):
                    opt = by_optimizer.get(s.optimizer)
                    where = f"the {'loss' if name == 'loss' else 'gradient'} of optimizer #{s.optimizer}"
                    seen.append((s.step - 1, 0, value, where, _backward_location(run, s.optimizer) or
                                 (opt.location if opt else None)))
                    break
    if not seen:
        return []
    step, _, value, where, location = min(seen, key=lambda t: (t[0], t[1]))
    return [Finding(ID, SEVERITY, step, location, {"value": _word(value), "step_seen": step, "where": where})]


def _backward_location(run: RunEvents, optimizer: int) -> Location | None:
    """Where the loss that this optimizer applies is computed (else backpropagated), seen in the probe."""
    for s in run.steps_of(optimizer):
        for index in s.sources:
            b = run.backward(index)
            if b is not None and (b.root_location or b.location) is not None:
                return b.root_location or b.location
    return None
