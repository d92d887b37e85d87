"""repeated-real-batch: the discriminator sees the same real batch at every step.

Typical causes: ``real, _ = next(iter(loader))`` above the loop, or manual batching whose slice
forgot the batch index (``X[0:bs]``). D memorises those images and wins, which then looks like
"D is too strong". Evidence: the real input to D has identical statistics at every probe iteration
and an identical sum (fingerprint) at every later step.
"""

from __future__ import annotations

from gandoctor.doctor.checks.generator_input_constant import constant_entries, constant_fingerprint
from gandoctor.doctor.events import DISCRIMINATOR, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "repeated-real-batch"
SEVERITY = "error"
NEEDS_ROLES = True
EXPLAINS = {"discriminator-overpowering", "mode-collapse"}
TEXT = {
    "en": Text(
        summary="the discriminator sees the same real batch at every step ({steps_seen} steps seen, "
        "batch shape {shape})",
        explanation="D should compare G's samples with the whole data set. With one fixed real batch it "
        "memorises those images, wins easily, and G is pulled toward copies of that one batch.",
        fix="Take a new real batch every step: iterate the DataLoader inside the loop "
        "(`for real, _ in loader:`), or slice with the batch index (`X[i * bs:(i + 1) * bs]`).",
    ),
    "zh": Text(
        summary="判别器每一步看到的都是同一批真实数据（观察了 {steps_seen} 步，批形状 {shape}）",
        explanation="D 应当拿 G 的样本与整个数据集比较。只用一批固定的真实数据时，"
        "D 会记住这些图像并轻易获胜，"
        "G 则被拉向这一批数据的复制品。",
        fix="每一步取一批新的真实数据：在循环内遍历 DataLoader（`for real, _ in loader:`），"
        "或用批序号切片（`X[i * bs:(i + 1) * bs]`）。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    entries = constant_entries(run, set(run.units_with_role(DISCRIMINATOR)))
    fingerprints = constant_fingerprint([s.real_fingerprint for s in run.stats])
    if entries is None or fingerprints is False:
        return []
    first = entries[0]
    repeat = next(e for e in entries if e.step != first.step)
    return [
        Finding(
            ID,
            SEVERITY,
            repeat.step,
            first.batch_location or first.data_location or first.location,
            {
                "steps_seen": len({e.step for e in entries})
                + len([s for s in run.stats if s.real_fingerprint is not None and s.step > run.probe_steps]),
                "shape": "x".join(str(n) for n in first.stats.shape),
                "unit": first.unit,
            },
        )
    ]
