"""objectives-not-opposed: the critic's and the generator's losses push D(fake) the same way.

In a Wasserstein or hinge GAN the critic pushes D(real) one way and D(fake) the other, and the
generator pushes D(fake) the way the critic pushes D(real). A flipped sign, or a parenthesis that folds
both critic terms under one minus (``-(D(real).mean() + D(fake).mean())``), breaks that: the critic
then rewards a high D(fake) just as the generator does, and samples come out inverted or collapse.
Read from the mean gradient each backward sends into D's output on real and on generated batches,
during the probe. A convention flipped consistently in both losses is correct and stays silent.
BCE, least-squares and log losses (targets and probabilities) are label-mismatch's and the log checks'.
"""

from __future__ import annotations

import math

from gandoctor.doctor.checks._util import role_of_step
from gandoctor.doctor.events import DISCRIMINATOR, GENERATOR, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "objectives-not-opposed"
SEVERITY = "error"
NEEDS_ROLES = True
PRIORITY = 29
EXPLAINS = {"mode-collapse", "discriminator-overpowering", "metric-regression", "learning-rate-too-high"}
TEXT = {
    "en": Text(
        summary="{what}: in the probe's steps the {who}'s loss pushes D(fake) {direction}",
        explanation="The critic must push D(real) and D(fake) apart, and the generator must push D(fake) the "
        "way the critic pushes D(real). When the signs agree instead, both networks pull D(fake) the "
        "same way and nothing is adversarial: samples invert or collapse.",
        fix="{fix}",
    ),
    "zh": Text(
        summary="{what_zh}：在探测阶段的更新中{who_zh}的损失把 D(fake) {direction_zh}",
        explanation="判别器要把 D(real) 和 D(fake) 推向相反方向，"
        "生成器要把 D(fake) 推向判别器推 D(real) 的方向。"
        "若符号一致，两个网络把 D(fake) 往同一方向拉，就没有对抗：样本会反相或坍缩。",
        fix="{fix_zh}",
    ),
}
_CRITIC_FIX = ("Write the critic's loss as D(fake).mean() - D(real).mean() (it minimizes this), with each "
               "term's sign on its own, e.g. loss_D = -torch.mean(D(real)) + torch.mean(D(fake)).",
               "把判别器损失写成 D(fake).mean() - D(real).mean()（最小化它），每一项的符号单独写，例如 "
               "loss_D = -torch.mean(D(real)) + torch.mean(D(fake))。")
_G_FIX = ("The generator minimizes -D(fake).mean() when the critic minimizes D(fake).mean() - "
          "D(real).mean(): flip the sign of the generator's loss (loss_G = -torch.mean(D(G(z)))).",
          "判别器最小化 D(fake).mean() - D(real).mean() 时，生成器应最小化 -D(fake).mean()："
          "把生成器损失的符号取反（loss_G = -torch.mean(D(G(z)))）。")


_PROBABILITY_LOSSES = {"bce", "bce_with_logits", "mse", "log", "log1m"}


def _sign(values: list[float]) -> int:
    total = sum(values)
    return 0 if total == 0 else 1 if total > 0 else -1


def detect(run: RunEvents) -> list[Finding]:
    d_units = set(run.units_with_role(DISCRIMINATOR))
    g_units = set(run.units_with_role(GENERATOR))
    if any(c.kind in _PROBABILITY_LOSSES and d_units & set(c.units) for c in run.loss_calls):
        return []  # targets and probabilities, not signs: label-mismatch and the log checks read those
    applied = {i: s for s in run.steps_taken if s.probe for i in s.sources}
    pushes: dict[tuple[str, str], list[float]] = {}
    locations: dict[str, object] = {}
    for e in run.output_grads:
        step = applied.get(e.backward)
        role = role_of_step(run, step)
        if e.unit not in d_units or role not in (GENERATOR, DISCRIMINATOR):
            continue
        if e.fed == "fake" and not set(e.origin) <= g_units:
            continue
        if e.fed == "mixed" or e.grad_mean == 0 or not math.isfinite(e.grad_mean):
            continue
        pushes.setdefault((role, e.fed), []).append(e.grad_mean)
        backward = run.backward(e.backward)
        if backward is not None:
            locations.setdefault(role, backward.root_location or backward.location)
    d_real = _sign(pushes.get((DISCRIMINATOR, "real"), []))
    d_fake = _sign(pushes.get((DISCRIMINATOR, "fake"), []))
    g_fake = _sign(pushes.get((GENERATOR, "fake"), []))
    if d_real and d_fake and d_real == d_fake:
        return [_finding(run, "the critic's loss does not separate real from fake", "critic", d_fake,
                         locations.get(DISCRIMINATOR), _CRITIC_FIX, "判别器的损失没有区分真假", "判别器")]
    if d_real and d_fake and g_fake and g_fake != d_real:
        return [_finding(run, "the generator's loss pushes D(fake) the way the critic does", "generator",
                         g_fake, locations.get(GENERATOR), _G_FIX, "生成器的损失和判别器一样推动 D(fake)",
                         "生成器")]
    return []


def _finding(run: RunEvents, what: str, who: str, sign: int, location, fix: tuple[str, str],
             what_zh: str, who_zh: str) -> Finding:
    direction, direction_zh = ("down", "往下推") if sign > 0 else ("up", "往上推")  # gradient descent
    return Finding(ID, SEVERITY, run.probe_steps, location,
                   {"what": what, "who": who, "direction": direction, "fix": fix[0], "what_zh": what_zh,
                    "who_zh": who_zh, "direction_zh": direction_zh, "fix_zh": fix[1]})
