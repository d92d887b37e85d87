"""generator-input-constant: the generator sees the same noise batch at every step.

Typical cause: ``z = torch.randn(batch, nz)`` written once above the loop (often copied from the
``fixed_noise`` used for sample grids). G then learns a fixed map from 64 points to 64 images and
cannot generalise to new noise. Evidence: the generator's input has identical statistics at every
probe iteration and an identical sum (fingerprint) at every later step.
"""

from __future__ import annotations

from gandoctor.doctor.events import GENERATOR, EntryEvent, RunEvents, TensorStats
from gandoctor.doctor.findings import Finding, Text

ID = "generator-input-constant"
SEVERITY = "error"
NEEDS_ROLES = True
EXPLAINS = {"mode-collapse"}
TEXT = {
    "en": Text(
        summary="the generator gets the same input batch at every step ({steps_seen} steps seen, "
        "input shape {shape})",
        explanation="A GAN learns a map from the whole noise distribution to images. Fed one fixed batch, "
        "G only learns to place those few points; new noise gives garbage and samples never vary.",
        fix="Draw fresh noise inside the training loop at every step, e.g. "
        "`z = torch.randn(batch_size, nz)` right before `G(z)`; keep a fixed batch only for sample grids.",
        fix_for={
            "tensorflow": "Feed fresh noise at every step, e.g. "
            "`feed_dict={z: np.random.uniform(-1, 1, (batch_size, z_dim))}` in each `sess.run`; keep a fixed "
            "batch only for sample grids.",
            "keras": "Draw fresh noise at every step, e.g. "
            "`noise = np.random.normal(size=(batch_size, latent_dim))` right before the generator's "
            "`predict`/`train_on_batch` (or `tf.random.normal` inside `train_step`); keep a fixed batch only "
            "for sample grids."},
    ),
    "zh": Text(
        summary="生成器在每一步都得到同一批输入（观察了 {steps_seen} 步，输入形状 {shape}）",
        explanation="GAN 学的是从整个噪声分布到图像的映射。只喂一批固定噪声时，G 只学会摆放这几个点；"
        "换新的噪声就会生成垃圾，样本也不会变化。",
        fix="在训练循环内每一步重新采样噪声，例如在 `G(z)` 之前写 `z = torch.randn(batch_size, nz)`；"
        "固定的噪声只用于生成样本网格。",
        fix_for={
            "tensorflow": "每一步喂入新的噪声，例如每次 `sess.run` 都用 "
            "`feed_dict={z: np.random.uniform(-1, 1, (batch_size, z_dim))}`；"
            "固定的噪声只用于生成样本网格。",
            "keras": "每一步重新采样噪声，例如在生成器的 `predict`/`train_on_batch` 之前写 "
            "`noise = np.random.normal(size=(batch_size, latent_dim))`（或在 `train_step` 内用 "
            "`tf.random.normal`）；固定的噪声只用于生成样本网格。"},
    ),
}


def _key(stats: TensorStats) -> tuple:
    return (stats.shape, stats.min, stats.max, stats.mean, stats.std)


def constant_entries(run: RunEvents, units: set[str]) -> list[EntryEvent] | None:
    """Entries from outside any network (data or noise) into ``units`` when they are identical at
    every probe step and seen at two steps at least; else None. Shared with repeated-real-batch."""
    # an entry with no shape has no values to compare (a tensor traced in a tf.function)
    entries = [e for e in run.entries if e.unit in units and not e.origin and e.stats.shape]
    if len({e.step for e in entries}) < 2:
        return None
    if len({_key(e.stats) for e in entries}) != 1:
        return None
    return entries


def constant_fingerprint(values: list[float | None]) -> bool | None:
    """True when every measured fingerprint is the same, False when they differ, None when too few."""
    seen = [v for v in values if v is not None]
    if len(seen) < 3:
        return None
    return len(set(seen)) == 1


def detect(run: RunEvents) -> list[Finding]:
    entries = constant_entries(run, set(run.units_with_role(GENERATOR)))
    fingerprints = constant_fingerprint([s.noise_fingerprint for s in run.stats])
    if entries is None or fingerprints is False:
        return []
    first = entries[0]
    repeat = next(e for e in entries if e.step != first.step)
    return [
        Finding(
            ID,
            SEVERITY,
            repeat.step,
            first.data_location or first.location,
            {
                "steps_seen": len({e.step for e in entries})
                + len([s for s in run.stats if s.noise_fingerprint is not None and s.step > run.probe_steps]),
                "shape": "x".join(str(n) for n in first.stats.shape),
                "unit": first.unit,
            },
        )
    ]
