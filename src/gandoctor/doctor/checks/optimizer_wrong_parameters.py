"""optimizer-wrong-parameters: an optimizer holds the other network's parameters, or both networks'."""

from __future__ import annotations

from gandoctor.doctor.checks._util import probe_steps, role_of_step
from gandoctor.doctor.events import DISCRIMINATOR, GENERATOR, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "optimizer-wrong-parameters"
SEVERITY = "error"
NEEDS_ROLES = True
PRIORITY = 12
EXPLAINS = {"generator-no-gradient", "discriminator-frozen", "optimizer-never-steps", "mode-collapse",
            "discriminator-overpowering", "discriminator-updated-by-generator-loss", "metric-regression"}
TEXT = {
    "en": Text(
        summary="optimizer #{optimizer} ({kind}) holds {holds}; {problem}",
        explanation="Each network needs its own optimizer over its own parameters. Otherwise one network is "
        "never updated, or each network's step also moves the other one against its own goal.",
        fix="Build one optimizer per network: opt_g = Adam(G.parameters(), ...) and "
        "opt_d = Adam(D.parameters(), ...).",
        fix_for={
            "tensorflow": "Give each optimizer its own network's variables: "
            "minimize(G_loss, var_list=<G's variables>) and minimize(D_loss, var_list=<D's variables>)."},
    ),
    "zh": Text(
        summary="优化器 #{optimizer}（{kind}）持有 {holds}；{problem}",
        explanation="每个网络都需要一个只管理自身参数的优化器。否则要么某个网络从不更新，"
        "要么每次更新都会把另一个网络往反方向推。",
        fix="为每个网络单独建立优化器：opt_g = Adam(G.parameters(), ...)，"
        "opt_d = Adam(D.parameters(), ...)。",
        fix_for={
            "tensorflow": "让每个优化器只更新自己网络的变量：minimize(G_loss, var_list=<G 的变量>)，"
            "minimize(D_loss, var_list=<D 的变量>)。"},
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    findings = []
    dedicated = {run.roles.optimizers.get(o.index) for o in run.optimizers}
    # a design, not a bug, when G and D each have an optimizer of their own: InfoGAN's information
    # loss (or an auxiliary classifier loss) is optimized over both networks by a third optimizer
    auxiliary = {GENERATOR, DISCRIMINATOR} <= dedicated
    for opt in run.optimizers:
        if run.roles.optimizers.get(opt.index) == "mixed" and not auxiliary and not _in_turn(run, opt.index):
            findings.append(Finding(ID, SEVERITY, 0, opt.location,
                                    {"optimizer": opt.index, "kind": opt.kind,
                                     "holds": "both the generator's and the discriminator's parameters",
                                     "problem": "each step moves both networks"}))
    for role, other in ((GENERATOR, DISCRIMINATOR), (DISCRIMINATOR, GENERATOR)):
        keys = [k for k, r in run.roles.params.items() if r == role]
        held = any(run.params[k].optimizers for k in keys)
        doubled = run.optimizers_with_role(other)
        if keys and not held and len(doubled) >= 2:
            opt = _applies_losses_of(run, doubled, set(keys)) or doubled[-1]
            findings.append(Finding(ID, SEVERITY, 0, opt.location,
                                    {"optimizer": opt.index, "kind": opt.kind,
                                     "holds": f"the {other}'s parameters",
                                     "problem": f"no optimizer holds the {role}'s parameters"}))
    return findings


def _applies_losses_of(run: RunEvents, optimizers: list, keys: set[int]):
    """Of two optimizers over the same network, the one meant for the other network (whose parameters
    ``keys`` no optimizer holds): one whose losses never reach the parameters it holds, else the only
    one stepping on losses that reach ``keys``."""
    reached: dict[int, set[int]] = {}
    for opt in optimizers:
        reached[opt.index] = {k for s in probe_steps(run, opt.index) for i in s.sources
                              if (b := run.backward(i)) is not None for k in b.params}
    useless = [o for o in optimizers if probe_steps(run, o.index) and not reached[o.index] & set(o.params)]
    if len(useless) == 1:
        return useless[0]
    other = [o for o in optimizers if reached[o.index] & keys]
    return other[0] if len(other) == 1 else None


def _in_turn(run: RunEvents, optimizer: int) -> bool:
    """Every watched step of this optimizer moved one network only (G's and D's turns, with the other
    frozen or detached): a correct way to drive both with one optimizer."""
    steps = probe_steps(run, optimizer)
    return bool(steps) and all(role_of_step(run, s) in (GENERATOR, DISCRIMINATOR) for s in steps)
