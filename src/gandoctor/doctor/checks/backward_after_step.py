"""backward-after-step: a loss is backpropagated through a forward pass made before an optimizer step.

``out = D(fake)``, then ``opt_D.step()``, then a loss built from ``out`` and ``.backward()``: the step
changed (in place) the weights that graph saved, so torch >= 1.5 raises "one of the variables needed
for gradient computation has been modified by an inplace operation" at the backward (earlier versions
silently computed wrong gradients). The cause is the step, not the backward: found from the order of
events, the oldest parametrised op in the loss's graph, then a step, then the backward.
"""

from __future__ import annotations

from gandoctor.doctor.checks._util import crashed_backward
from gandoctor.doctor.events import RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "backward-after-step"
SEVERITY = "error"
PRIORITY = 15
EXPLAINS = {"script-error", "optimizer-never-steps", "optimizer-without-gradient"}
TEXT = {
    "en": Text(
        summary="{opt_name}.step() at this line changed the weights that a later backward needs: its loss "
        "was built from a forward pass made before the step",
        explanation="backward() needs the weights as they were in the forward pass. An optimizer step "
        "between the two modifies them in place, so torch raises 'one of the variables needed for gradient "
        "computation has been modified by an inplace operation' at the backward.",
        fix="Recompute the network's output after {opt_name}.step() (e.g. call D(fake) again for the "
        "generator's loss), or do the generator's backward before the discriminator's step.",
    ),
    "zh": Text(
        summary="此行的 {opt_name}.step() 修改了之后一次 backward 所需的权重：其损失来自该 step 之前的前向"
        "计算",
        explanation="backward() 需要前向计算时的权重。两者之间的优化器 step 会原地修改它们，因此 torch 在 "
        "backward 处报错"
        "“one of the variables needed for gradient computation has been modified by an inplace operation”。",
        fix="在 {opt_name}.step() 之后重新计算网络输出（例如为生成器损失再调用一次 D(fake)），"
        "或在判别器 step 之前完成生成器的 backward。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    found = crashed_backward(run, "modified by an inplace operation")
    if found is None:
        return []
    crash, last = found
    steps = [s for s in run.steps_taken if last.graph_seq < s.seq < last.seq]
    if not steps:
        return []
    step = steps[0]
    opt = run.optimizers[step.optimizer]
    return [Finding(ID, SEVERITY, crash.step, step.location,
                    {"opt_name": opt.label, "forward_at": str(last.graph_location or "?"),
                     "backward_at": str(last.location or "?")})]
