"""generator-no-gradient: the generator's optimizer steps, but its parameters got no gradient.

The classic cause is a cut in the generator step: ``D(fake.detach())``, ``G(z)`` under
``torch.no_grad()``, or a loss rebuilt from ``.item()``/numpy. D then wins easily, which is why the
usual (wrong) advice is "D is too strong": this check explains those symptoms away.
"""

from __future__ import annotations

from gandoctor.doctor.checks._util import last_cut, no_gradient, probe_steps, window
from gandoctor.doctor.events import DISCRIMINATOR, GENERATOR, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "generator-no-gradient"
SEVERITY = "error"
NEEDS_ROLES = True
PRIORITY = 20
EXPLAINS = {
    "discriminator-overpowering",
    "mode-collapse",
    "metric-regression",
    "learning-rate-too-high",
    "optimizer-never-steps",
    "discriminator-frozen",  # a frozen D in the G step is by design; with a cut fake nothing needs grad
    "script-error",
}
TEXT = {
    "en": Text(
        summary="the generator gets no gradient through the discriminator ({detail}); cause: {cause}",
        explanation="The generator only learns through the discriminator's judgement of its output. When "
        "that path is cut (detach, no_grad, .item()/numpy), optimizer.step() changes nothing, D wins, and "
        "it looks as if D were too strong.",
        fix="Keep the gradient path in the generator step: use D(fake) (not fake.detach()) in the "
        "generator's loss, do not run G under torch.no_grad() there, and build the loss from tensors, "
        "not from .item() or numpy. Detach only in the discriminator's step.",
        fix_for={
            "tensorflow": "Build the generator's loss on D(G(z)) itself, without tf.stop_gradient (and not "
            "on a placeholder fed with values fetched by sess.run); stop the gradient only in the "
            "discriminator's loss, if at all.",
            "keras": "Keep the gradient path in the generator's step: score the generated images with D "
            "without tf.stop_gradient (and not from a .numpy() copy or generator.predict()) inside the "
            "generator's GradientTape; stop the gradient only in the discriminator's loss, if at all."},
    ),
    "zh": Text(
        summary="生成器得不到经过判别器的梯度（{detail_zh}）；原因：{cause}",
        explanation="生成器只能通过判别器对其输出的评判来学习。这条路径一旦被切断（detach、no_grad、"
        ".item()/numpy），optimizer.step() 就不会改变任何东西，判别器轻易获胜，看起来像是判别器太强。",
        fix="在生成器的更新中保留梯度路径：生成器损失中使用 D(fake)（而不是 fake.detach()），不要在 "
        "torch.no_grad() 下运行 G，也不要用 .item() 或 numpy 重建损失。只在判别器的更新中 detach。",
        fix_for={
            "tensorflow": "生成器的损失要直接建立在 D(G(z)) 上，不要用 tf.stop_gradient（也不要用 sess.run "
            "取出再喂回 placeholder 的值）；如需切断梯度，只在判别器的损失中这样做。",
            "keras": "在生成器的更新中保留梯度路径：在生成器的 GradientTape 内让 D 直接评判生成的图像，"
            "不要用 tf.stop_gradient（也不要用 .numpy() 副本或 generator.predict() 的结果）；"
            "如需切断梯度，只在判别器的损失中这样做。"},
    ),
}

_CAUSE_WORDS = {
    "detach": ".detach() on the generator's output",
    "stop_gradient": "tf.stop_gradient on the generator's output",
    "data": ".data on the generator's output",
    "item": "loss rebuilt from .item()",
    "numpy": "loss rebuilt from numpy",
    "tolist": "loss rebuilt from .tolist()",
    "no_grad": "generator run under torch.no_grad()",
    "no_grad_fn": "the loss has no autograd graph",
    "unknown": "the gradient path to the generator is cut",
}


_CUTS = {"detach", "stop_gradient", "data", "no_grad"}  # cuts of a tensor (not a rebuilt loss)


def detect(run: RunEvents) -> list[Finding]:
    generator_units = set(run.units_with_role(GENERATOR))
    findings = []
    for opt in run.optimizers_with_role(GENERATOR):
        steps = probe_steps(run, opt.index)
        if not steps or not all(no_gradient(s) for s in steps):
            continue
        first = steps[0]
        start, end = window(run, first)
        backwards = [b for b in run.backwards if start < b.seq < end]
        rebuilt = bool(backwards) and not backwards[-1].has_grad_fn
        kinds = {"item", "numpy", "tolist"} if rebuilt else _CUTS
        if backwards:
            end = backwards[-1].seq
        cut = last_cut(run, start, end, generator_units, kinds)
        location, cause = None, "unknown"
        if cut is not None:
            location, cause = cut.location, cut.kind
        if rebuilt:  # point at the line that rebuilt the loss as a new tensor
            location = backwards[-1].root_location or location or backwards[-1].location
            cause = cause if cut is not None else "no_grad_fn"
        elif location is None:
            location = backwards[-1].location if backwards else first.location
        findings.append(
            Finding(
                ID,
                SEVERITY,
                first.step,
                location,
                {
                    "optimizer": opt.index,
                    "params": first.n_params,
                    "params_without_grad": first.grads_none + (first.grads_zero or 0),
                    "generator_steps_checked": len(steps),
                    "cause": _CAUSE_WORDS.get(cause, cause),
                    **_detail(f"{first.grads_none + (first.grads_zero or 0)} of {first.n_params} params had "
                              "no or zero gradient at every generator step",
                              f"每次生成器更新时 {first.n_params} 个参数中有 "
                              f"{first.grads_none + (first.grads_zero or 0)} 个梯度为空或为零"),
                },
            )
        )
    if not findings:
        findings.extend(_adversarial_path_cut(run, generator_units))
    if not findings:
        findings.extend(_crashed_on_a_cut(run, generator_units))
    return findings


def _adversarial_path_cut(run: RunEvents, generator_units: set[str]) -> list[Finding]:
    """G learns from another loss (pix2pix's L1), but in its every step D scores a cut copy of its
    output: the adversarial loss never reaches G."""
    d_units = set(run.units_with_role(DISCRIMINATOR))
    for opt in run.optimizers_with_role(GENERATOR):
        steps = probe_steps(run, opt.index)
        if len(steps) < 2:
            continue
        cuts = []
        for s in steps:
            start, end = window(run, s, same_optimizer=False)
            scored = [e for e in run.entries if start < e.seq < end and e.unit in d_units
                      and set(e.origin) & generator_units]
            if not scored or any(e.grad_path for e in scored):
                break
            cuts.append(last_cut(run, start, scored[-1].seq, generator_units, _CUTS))
        else:
            cut = next((c for c in cuts if c is not None), None)
            return [Finding(ID, SEVERITY, steps[0].step, cut.location if cut else steps[0].location,
                            {"optimizer": opt.index, "generator_steps_checked": len(steps),
                             "cause": _CAUSE_WORDS[cut.kind if cut else "unknown"],
                             **_detail("in every generator step D scores a cut copy of G's output; only "
                                       "G's other loss terms reach it",
                                       "每次生成器更新时 D 评判的都是 G 输出被切断梯度的副本；"
                                       "只有其他损失项能到达 G")})]
    return []


def _crashed_on_a_cut(run: RunEvents, generator_units: set[str]) -> list[Finding]:
    """The generator step crashed before G ever stepped, and its last backward reached none of G's
    parameters: its loss has no graph ("element 0 of tensors does not require grad": D was switched off
    for the step, as Lightning's toggle_optimizer does), or G's gradients are all None (GradScaler:
    "No inf checks were recorded"). The cut of G's output is the cause, not the crash line."""
    if not run.exceptions or any(run.steps_of(o.index) for o in run.optimizers_with_role(GENERATOR)):
        return []
    crash = run.exceptions[0]
    backwards = [b for b in run.backwards if b.seq < crash.seq]
    g_keys = {k for k, r in run.roles.params.items() if r == GENERATOR}
    # Keras/TF2: ``tape.gradient(g_loss, G.trainable_variables)`` names the variables it was for, so the
    # generator's gradient is known even when D's came after it (Keras 3 then refuses G's step: "No
    # gradients provided for any variable")
    asked_g = [b for b in backwards if b.targets and set(b.targets) <= g_keys]
    if asked_g:
        last = asked_g[-1]
        if g_keys & set(last.params):
            return []
        start = run.previous_step_seq(last.seq)
    else:
        if not backwards or (backwards[-1].has_grad_fn and g_keys & set(backwards[-1].params)):
            return []
        last = backwards[-1]
        start = run.previous_step_seq(last.seq)
        d_units = set(run.units_with_role(DISCRIMINATOR))
        if any(start < e.seq < last.seq and e.unit in d_units and not e.origin for e in run.entries):
            return []  # D saw real data: this was D's step, whatever froze it
    cut = last_cut(run, start, last.seq, generator_units, _CUTS)
    if cut is None:
        return []
    return [Finding(ID, SEVERITY, crash.step, cut.location,
                    {"generator_steps_checked": 0, "cause": _CAUSE_WORDS[cut.kind], "crash": crash.message,
                     **_detail("its loss never reached G, and the script then crashed",
                               "其损失从未到达 G，脚本随后崩溃")})]


def _detail(en: str, zh: str) -> dict[str, str]:
    return {"detail": en, "detail_zh": zh}
