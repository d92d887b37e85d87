"""untrained-network-copy: a network built a second time with variables of its own, which no optimizer
trains, in a loss's path.

TF1's ``tf.Variable`` ignores ``variable_scope(reuse=True)`` (only ``tf.get_variable`` shares), so calling
``discriminator(G)`` after ``discriminator(real)`` builds a second D that stays at its random initial
values. The optimizer's ``var_list`` holds the first one only: D never learns from the generated batches,
and G trains against a frozen random network. Read from the graph (``NetworkCopyEvent``: the same creating
lines and shapes) and the optimizers' parameters, never from scope or variable names.
"""

from __future__ import annotations

from gandoctor.doctor.events import RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "untrained-network-copy"
SEVERITY = "error"
PRIORITY = 5
EXPLAINS = {"discriminator-overpowering", "mode-collapse", "metric-regression", "learning-rate-too-high"}
TEXT = {
    "en": Text(
        summary="this call builds a second copy of the {role} with {n} variables of its own, which no "
        "optimizer trains, and the losses use it",
        explanation="tf.Variable always creates new variables: variable_scope(reuse=True) shares only the "
        "variables made with tf.get_variable. The copy keeps its random initial values, so the {role} never "
        "learns from what the copy sees (for a discriminator: the generated batches) and the other network "
        "trains against a frozen random network.",
        fix="Create the variables with tf.get_variable(name, shape, initializer=...) inside the "
        "variable_scope, so that reuse=True shares them; or build the network once (one tf.keras model) and "
        "call that same model on both inputs.",
    ),
    "zh": Text(
        summary="这一调用又建了一份{role}的副本，带有 {n} 个自己的变量；没有任何优化器训练它，但损失用到了它",
        explanation="tf.Variable 总是创建新变量：variable_scope(reuse=True) 只共享用 tf.get_variable "
        "创建的变量。"
        "副本一直停留在随机初始值，所以{role}学不到副本看到的东西（对判别器来说就是生成的样本），"
        "另一个网络是在对抗一个冻结的随机网络。",
        fix="在 variable_scope 内用 tf.get_variable(name, shape, initializer=...) 创建变量，使 reuse=True "
        "真正共享它们；或者只建一次网络（一个 tf.keras 模型），对两个输入调用同一个模型。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    findings = []
    for copy in run.copies:
        keys = run.units.get(copy.unit, [])
        if not keys or any(run.params[k].optimizers for k in keys):
            continue  # trained after all (its own optimizer, or a var_list that holds it)
        used = any(copy.unit in c.units for c in run.loss_calls) or any(
            copy.unit == e.unit or copy.unit in e.origin for e in run.entries)
        if not used:
            continue
        role = run.roles.units.get(copy.original, "")
        role = role if role in ("generator", "discriminator") else "network"
        findings.append(Finding(ID, SEVERITY, copy.step, copy.location,
                                {"role": role, "n": len(keys), "original": copy.original, "copy": copy.unit}))
    return findings
