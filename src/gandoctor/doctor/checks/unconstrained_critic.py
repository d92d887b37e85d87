"""unconstrained-critic: a Wasserstein critic whose weights nothing bounds, or clips them too late.

The critic's loss ``D(fake).mean() - D(real).mean()`` is a difference of raw scores: it only measures
a distance when D is kept Lipschitz, by a gradient penalty, spectral normalisation or weight clipping.
Without one, D's outputs grow without bound and G gets no useful gradient. Found from the graph: the
backward of D's step is a plain sum/mean/difference of D's raw outputs (no log, softplus, hinge or
square on the way: the probe's ``raw:<unit>`` mark), with no input gradient of D taken, no weight
computed from a parameter, and no clamp of D's parameters. With clipping, each forward of D's own
step must use weights clipped since its last step; clipping before ``step()`` leaves the step's
update unclipped at the next forward.
"""

from __future__ import annotations

from gandoctor.doctor.checks._util import probe_steps, role_of_step
from gandoctor.doctor.events import DISCRIMINATOR, Location, RunEvents, StepEvent
from gandoctor.doctor.findings import Finding, Text

ID = "unconstrained-critic"
SEVERITY = "error"
PRIORITY = 32
NEEDS_ROLES = True
EXPLAINS = {"discriminator-overpowering", "mode-collapse", "learning-rate-too-high", "non-finite-loss",
            "metric-regression"}
TEXT = {
    "en": Text(
        summary="the critic is trained on a Wasserstein loss (a difference of its raw outputs) {what}",
        explanation="A Wasserstein critic must be kept 1-Lipschitz, by a gradient penalty, spectral norm or "
        "weight clipping after every critic step. Unbounded, it widens the gap between D(real) and D(fake) "
        "without limit and its gradients stop telling G anything useful.",
        fix="{fix}",
    ),
    "zh": Text(
        summary="判别器用 Wasserstein 损失（原始输出之差）训练，{what_zh}",
        explanation="Wasserstein 判别器必须保持 1-Lipschitz：梯度惩罚、谱归一化，或在每次判别器 step 之后"
        "裁剪权重。没有约束时它会无限拉大 D(real) 与 D(fake) 的差距，梯度不再对 G 有用。",
        fix="{fix_zh}",
    ),
}
_NO_CONSTRAINT = (
    "with no gradient penalty, no spectral norm and no weight clipping",
    "没有梯度惩罚、谱归一化或权重裁剪",
    "Add a gradient penalty (WGAN-GP) to the critic's loss, wrap its layers in "
    "torch.nn.utils.parametrizations.spectral_norm, or clip its weights right after {opt}.step(): "
    "for p in critic.parameters(): p.data.clamp_(-0.01, 0.01)",
    "在判别器损失中加入梯度惩罚（WGAN-GP），或用 torch.nn.utils.parametrizations.spectral_norm 包装其层，"
    "或在 {opt}.step() 之后立即裁剪权重：for p in critic.parameters(): p.data.clamp_(-0.01, 0.01)",
)
_LATE_CLIP = (
    "and clips its weights at this line, but a forward of its step at {forward_at} uses weights that "
    "{opt}.step() moved after the last clip",
    "并在此行裁剪权重，但其 step 中 {forward_at} 处的前向计算使用的是 {opt}.step() 在上次裁剪之后更新的权重",
    "Clip after the update, every critic iteration: call {opt}.step() first, then "
    "for p in critic.parameters(): p.data.clamp_(-c, c).",
    "在每次判别器迭代中先更新再裁剪：先调用 {opt}.step()，再 for p in critic.parameters(): "
    "p.data.clamp_(-c, c)。",
)


def detect(run: RunEvents) -> list[Finding]:
    d_units = set(run.units_with_role(DISCRIMINATOR))
    raw = {f"raw:{u}" for u in d_units}
    d_steps = [s for s in run.steps_taken if s.probe and role_of_step(run, s) == DISCRIMINATOR]
    applied = [b for s in d_steps for i in s.sources if (b := run.backward(i)) is not None]
    critic_loss = next((b for b in applied if raw & set(b.flags)), None)
    if critic_loss is None:
        return []
    if any(d_units & set(g.units) for g in run.input_gradients):
        return []  # a gradient penalty (its own checks say whether it works)
    constraints = [c for c in run.weight_constraints if c.unit in d_units]
    if any(c.kind == "reparametrized" for c in constraints):
        return []  # spectral (or weight) normalisation
    opt = run.optimizers[d_steps[0].optimizer]
    clips = [c for c in constraints if c.kind == "clip"]
    if not clips:
        where = critic_loss.root_location or critic_loss.location
        return [_finding(run, where, _NO_CONSTRAINT, opt.label, "")]
    late = _unclipped_forward(run, d_units, d_steps)
    if late is None:
        return []
    return [_finding(run, clips[0].location, _LATE_CLIP, opt.label, str(late))]


def _unclipped_forward(run: RunEvents, d_units: set[str], d_steps: list[StepEvent]) -> Location | None:
    """The line of a forward of D feeding D's own step, made after a D step with no clip since."""
    step_of_backward = {i: s for s in d_steps for i in s.sources}
    d_step_seqs = [s.seq for o in {s.optimizer for s in d_steps} for s in probe_steps(run, o)]
    clip_seqs = [c.seq for c in run.weight_constraints if c.kind == "clip" and c.unit in d_units]
    for grad in run.output_grads:
        if grad.unit not in d_units or grad.backward not in step_of_backward:
            continue
        earlier = [s for s in d_step_seqs if s < grad.seq]
        if earlier and not any(max(earlier) < c < grad.seq for c in clip_seqs):
            calls = [c for c in run.unit_calls if c.unit == grad.unit and c.seq < grad.seq]
            return calls[-1].location if calls else None
    return None


def _finding(run: RunEvents, location: Location | None, words: tuple[str, str, str, str], opt: str,
             forward_at: str) -> Finding:
    what, what_zh, fix, fix_zh = (w.format(opt=opt, forward_at=forward_at) for w in words)
    return Finding(ID, SEVERITY, run.probe_steps, location,
                   {"what": what, "what_zh": what_zh, "fix": fix, "fix_zh": fix_zh, "optimizer": opt})
