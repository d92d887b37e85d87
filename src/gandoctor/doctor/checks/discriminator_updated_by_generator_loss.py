"""discriminator-updated-by-generator-loss: D's step applies gradients of the generator's loss.

For example ``(d_loss + g_loss).backward()`` followed by both steps, or two backwards with no
``zero_grad`` between them. D then also descends the generator's loss, i.e. helps G fool it.
"""

from __future__ import annotations

from gandoctor.doctor.checks._util import probe_steps
from gandoctor.doctor.events import DISCRIMINATOR, GENERATOR, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "discriminator-updated-by-generator-loss"
SEVERITY = "error"
NEEDS_ROLES = True
PRIORITY = 26
EXPLAINS = {"mode-collapse", "discriminator-overpowering", "metric-regression"}
TEXT = {
    "en": Text(
        summary="the discriminator's step #{step_number} applies gradients of the generator's loss "
        "(backward #{backward})",
        explanation="The generator's loss flows through D, so its backward also fills D's .grad. If D's "
        "optimizer steps on that, D is trained to help the generator fool it.",
        fix="Backpropagate the two losses separately: d_loss.backward(); opt_d.step(); then "
        "opt_d.zero_grad() (or freeze D) before g_loss.backward(); opt_g.step().",
    ),
    "zh": Text(
        summary="判别器的第 {step_number} 步更新应用了生成器损失的梯度（backward #{backward}）",
        explanation="生成器的损失会流经 D，因此其 backward 也会填充 D 的 .grad。若 D 的优化器据此更新，"
        "D 就被训练成帮助生成器骗过自己。",
        fix="分别反向传播两个损失：d_loss.backward(); opt_d.step()；然后在 g_loss.backward(); opt_g.step() "
        "之前调用 opt_d.zero_grad()（或冻结 D）。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    g_losses = set()
    for opt in run.optimizers_with_role(GENERATOR):
        for s in probe_steps(run, opt.index):
            if s.sources:
                g_losses.add(max(s.sources))
    for opt in run.optimizers_with_role(DISCRIMINATOR):
        for s in probe_steps(run, opt.index):
            mixed = sorted(set(s.sources) & g_losses)
            if mixed:
                backward = run.backward(mixed[0])
                return [Finding(ID, SEVERITY, s.step, backward.location if backward else s.location,
                                {"step_number": s.step, "backward": mixed[0], "optimizer": opt.index})]
    return []
