"""variables-reinitialized: the networks' weights are set back to their initial values during training.

A TF1 script that runs ``tf.global_variables_initializer()`` (or a variable's ``initializer``) inside its
training loop draws fresh random weights at every iteration: whatever the optimizer learned is thrown
away, the losses never move, and the samples stay noise. Read from which ops a ``Session.run`` executes
after the first optimizer step, never from names.
"""

from __future__ import annotations

from gandoctor.doctor.events import RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "variables-reinitialized"
SEVERITY = "error"
PRIORITY = 6
EXPLAINS = {"discriminator-overpowering", "mode-collapse", "metric-regression", "learning-rate-too-high",
            "generator-input-constant"}
TEXT = {
    "en": Text(
        summary="{n_params} trained weights are set back to their initial values after {steps} optimizer "
        "steps, {times} time(s) in this run",
        explanation="Running the variables' initializer during training replaces everything the "
        "optimizers learned with fresh random values, so the networks start over again and again.",
        fix="Run the initializer once, before the training loop: "
        "sess.run(tf.global_variables_initializer()) right after creating the session, never inside the "
        "loop.",
    ),
    "zh": Text(
        summary="{n_params} 个已训练的权重在 {steps} 次优化器更新之后被重置为初始值，本次运行中共 {times} 次",
        explanation="训练过程中运行变量的初始化器，会用新的随机值替换优化器学到的一切，网络一次又一次从头开始。",
        fix="只在训练循环之前运行一次初始化器：创建 session 后立即 "
        "sess.run(tf.global_variables_initializer())，不要放在循环里。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    trained = {k for k, info in run.params.items() if info.optimizers}
    events = [e for e in run.reinitialized if e.step > 0 and trained & set(e.params)]
    if not events:
        return []
    first = events[0]
    evidence = {"n_params": len(trained & set(first.params)), "steps": first.step, "times": len(events)}
    return [Finding(ID, SEVERITY, first.step, first.location, evidence)]
