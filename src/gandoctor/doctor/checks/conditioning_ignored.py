"""conditioning-ignored: a conditional generator is handed the condition and never reads it.

``G(z, labels)`` whose forward uses only ``z``, while D scores G's samples together with the same
``labels``: D learns to tell whether a sample matches its label, and G has no way to follow. Samples
ignore the class asked for. Found from the calls: a tensor passed to G that no op inside G's call read,
and the same tensor object read by D in a call on G's output.
"""

from __future__ import annotations

from gandoctor.doctor.events import DISCRIMINATOR, GENERATOR, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "conditioning-ignored"
SEVERITY = "error"
PRIORITY = 22
NEEDS_ROLES = True
EXPLAINS = {"mode-collapse", "discriminator-overpowering", "metric-regression"}
TEXT = {
    "en": Text(
        summary="the generator called at this line gets argument {position} (shape {shape}) and never reads "
        "it, while the discriminator reads the same tensor beside G's samples",
        explanation="A conditional GAN gives the condition (the class label) to both networks. If G's "
        "forward ignores it, D learns whether a sample matches its label and G cannot control that: "
        "samples do not follow the class asked for.",
        fix="Use the condition in the generator's forward, e.g. x = torch.cat([z, self.label_emb(labels)], "
        "dim=1) before the first layer.",
    ),
    "zh": Text(
        summary="此行调用的生成器收到第 {position} 个参数（形状 {shape}）却从未读取它，"
        "而判别器在评判 G 的样本时读取了同一个张量",
        explanation="条件 GAN 把条件（类别标签）同时交给两个网络。若 G 的 forward 忽略它，D 会学习样本是否与"
        "标签相符，而 G 无法控制这一点：样本不会按要求的类别生成。",
        fix="在生成器的 forward 中使用条件，例如在第一层之前 x = torch.cat([z, self.label_emb(labels)], "
        "dim=1)。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    g_units = set(run.units_with_role(GENERATOR))
    d_units = set(run.units_with_role(DISCRIMINATOR))
    for g_call in run.unit_calls:
        if g_call.unit not in g_units or not g_call.unread:
            continue
        unread = {g_call.args[i]: i for i in g_call.unread}
        for d_call in run.unit_calls:
            if d_call.step != g_call.step or d_call.seq < g_call.seq or d_call.unit not in d_units:
                continue
            if g_call.unit not in d_call.fed_by:
                continue
            read = [a for i, a in enumerate(d_call.args) if i not in d_call.unread]
            shared = [a for a in read if a in unread]
            if shared:
                position = unread[shared[0]]
                shape = "x".join(map(str, g_call.shapes[position])) or "scalar"
                return [Finding(ID, SEVERITY, g_call.step, g_call.location,
                                {"position": position + 1, "shape": shape})]
    return []
