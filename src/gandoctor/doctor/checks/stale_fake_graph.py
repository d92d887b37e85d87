"""stale-fake-graph: a loss reuses a tensor whose graph an earlier backward already freed.

A WGAN loop makes ``fake = G(z)`` inside the critic loop, backpropagates the critic loss through it
(no detach), then scores the same ``fake`` in the generator step: torch raises "Trying to backward
through the graph a second time". The cause is the reused tensor, made before the backward that freed
its graph: found from the order of events, not from the message alone.
"""

from __future__ import annotations

from gandoctor.doctor.checks._util import crashed_backward
from gandoctor.doctor.events import RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "stale-fake-graph"
SEVERITY = "error"
PRIORITY = 16
EXPLAINS = {"script-error", "optimizer-never-steps", "optimizer-without-gradient"}
TEXT = {
    "en": Text(
        summary="the backward at {backward_at} goes through a tensor made at this line, whose graph the "
        "backward at {freed_by} already freed",
        explanation="A backward frees the graph it went through. A tensor computed before it (here the "
        "generator's output, scored again in a later loss) cannot be backpropagated a second time.",
        fix="Make a fresh output for the second loss (fake = netG(noise) again in the generator step), and "
        "use fake.detach() in the discriminator's loss so its backward does not free G's graph; "
        "retain_graph=True only hides the problem.",
    ),
    "zh": Text(
        summary="{backward_at} 处的 backward 经过了此行生成的张量，而它的计算图已被 {freed_by} 处的 "
        "backward 释放",
        explanation="backward 会释放它经过的计算图。在它之前算出的张量（这里是生成器的输出，在之后的损失中"
        "又被使用）"
        "不能再反向传播第二次。",
        fix="为第二个损失重新生成输出（在生成器更新中再调用一次 fake = netG(noise)），并在判别器损失中使用 "
        "fake.detach()，使其 backward 不释放 G 的计算图；retain_graph=True 只是掩盖问题。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    found = crashed_backward(run, "backward through the graph a second time")
    if found is None:
        return []
    crash, last = found
    freed_by = [b for b in run.backwards if last.graph_seq < b.seq < last.seq]
    if not freed_by:
        return []
    evidence = {"backward_at": str(last.location or "?"), "freed_by": str(freed_by[-1].location or "?")}
    return [Finding(ID, SEVERITY, crash.step, last.graph_location or freed_by[-1].location, evidence)]
