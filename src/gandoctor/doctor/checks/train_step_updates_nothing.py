"""train-step-updates-nothing: a model's train steps change none of its weights.

The Keras 3 case: ``D.compile(...)``; ``D.trainable = False`` (to build the combined generator model);
then ``D.train_on_batch(...)`` in the loop. Keras 2 took a model's trainable weights at ``compile()``,
Keras 3 takes them at the model's *first train step*: D is frozen then, so every one of its train steps
updates nothing (Keras only warns "The model does not have any trainable weights"), D never learns and
the generator chases a fixed judge. Detected from measured values only: every step of the optimizer that
the probe compared variable by variable (``StepEvent.changed_params``) changed none of the weights the
step was meant to train (``trained_params``), none of which had a gradient. Torch steps do not measure
that and are never judged here.

Located at the ``trainable = False`` in force at the model's first train step (the line to move), else
at the optimizer's line.
"""

from __future__ import annotations

from gandoctor.doctor.events import RunEvents, StepEvent
from gandoctor.doctor.findings import Finding, Text

ID = "train-step-updates-nothing"
SEVERITY = "error"
PRIORITY = 11
EXPLAINS = {
    "discriminator-frozen",
    "optimizer-without-gradient",
    "discriminator-overpowering",
    "mode-collapse",
    "metric-regression",
    "learning-rate-too-high",
}
TEXT = {
    "en": Text(
        summary="{opt_name}'s train steps change none of the {params} weights of {units}: in the {measured} "
        "steps compared none of them had a gradient",
        explanation="The weights were frozen when the model was first trained. Keras 3 takes a model's "
        "trainable weights at its first train step (train_on_batch/fit), not at compile() as Keras 2 did: "
        "a discriminator frozen before its first train_on_batch (to build the combined generator model) "
        "stays frozen, and Keras only warns that the model has no trainable weights. The network never "
        "learns, so its opponent trains against a fixed target.",
        fix="Set trainable = True on this network right before its own train_on_batch and False right "
        "before the combined (generator) model's train_on_batch, or only freeze it after its first "
        "train_on_batch; alternatively build the combined model from a frozen copy of it.",
    ),
    "zh": Text(
        summary="{opt_name} 的训练步没有改变 {units} 的 {params} 个权重中的任何一个：比较的 {measured} 步中"
        "它们都没有梯度",
        explanation="模型第一次训练时其权重处于冻结状态。Keras 3 在模型第一次训练（train_on_batch/fit）时"
        "确定可训练权重，而不是像 Keras 2 那样在 compile() 时：为构建生成器的组合模型而在判别器第一次 "
        "train_on_batch 之前冻结它，它就一直被冻结，Keras 只给出“模型没有可训练权重”的警告。"
        "该网络从不学习，对手只能对着一个固定的目标训练。",
        fix="在该网络自己的 train_on_batch 之前设 trainable = True，在组合（生成器）模型的 train_on_batch "
        "之前设为 False；或者只在它第一次 train_on_batch 之后再冻结；也可以用它的冻结副本来构建组合模型。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    findings = []
    for opt in run.optimizers:
        steps = [s for s in run.steps_of(opt.index) if s.changed_params is not None]
        # frozen: no trained weight had a gradient, and none changed (a learning rate warming up from 0
        # also changes nothing, but its weights have gradients: not this defect)
        if len(steps) < 2 or any(s.changed_params or not s.trained_params or s.grads_none < s.n_params
                                 for s in steps):
            continue
        first = steps[0]
        trained = set(first.trained_params)
        units = sorted({run.params[k].unit for k in trained if k in run.params})
        findings.append(Finding(ID, SEVERITY, first.step, _frozen_at(run, first, trained) or opt.location
                                or first.location,
                                {"optimizer": opt.index, "opt_name": opt.label, "units": ", ".join(units),
                                 "params": len(trained), "measured": len(steps),
                                 "grads_none": first.grads_none}))
    return findings


def _frozen_at(run: RunEvents, first: StepEvent, trained: set[int]):
    """The switch-off in force at the first step of the optimizer (its last switch before that step)."""
    before = [e for e in run.requires_grad if e.seq < first.seq and trained & set(e.params)]
    if before and not before[-1].value:
        return before[-1].location
    return None
