"""data-range-mismatch: real batches and generated batches live in different value ranges.

A tanh generator can only produce [-1, 1]; if the real images are in [0, 1] or [0, 255] the
discriminator tells them apart by range alone and the generator can never match.
"""

from __future__ import annotations

from gandoctor.doctor.events import DISCRIMINATOR, GENERATOR, HARD_TANH, SIGMOID, TANH, RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "data-range-mismatch"
BOUNDED = {TANH: (-1.0, 1.0), HARD_TANH: (-1.0, 1.0), SIGMOID: (0.0, 1.0)}
SEVERITY = "error"
NEEDS_ROLES = True
PRIORITY = 40
EXPLAINS = {"discriminator-overpowering", "mode-collapse", "metric-regression"}
TEXT = {
    "en": Text(
        summary="real batches are in [{real_min}, {real_max}] but the generator's outputs are in "
        "[{fake_min}, {fake_max}]",
        explanation="The discriminator can separate real from fake by value range alone, and the generator's "
        "output activation cannot reach the data's range, so training cannot converge.",
        fix="Scale the data to the generator's output range: for a tanh generator use "
        "transforms.Normalize((0.5,), (0.5,)) after ToTensor (or x / 127.5 - 1 for 0-255 data); "
        "for a sigmoid generator use data in [0, 1].",
        fix_for={
            "tensorflow": "Scale the data to the generator's output range: x / 127.5 - 1 for 0-255 pixels "
            "with a tanh generator (tf.image.convert_image_dtype gives [0, 1], right only for a sigmoid "
            "generator).",
            "keras": "Scale the data to the generator's output range: x / 127.5 - 1 for 0-255 pixels with a "
            "tanh generator (x / 255.0 gives [0, 1], right only for a sigmoid generator)."},
    ),
    "zh": Text(
        summary="真实批次的取值范围是 [{real_min}, {real_max}]，"
        "而生成器输出的范围是 [{fake_min}, {fake_max}]",
        explanation="判别器仅凭取值范围就能区分真假，而生成器的输出激活无法达到数据的范围，训练无法收敛。",
        fix="把数据缩放到生成器的输出范围：tanh 生成器在 ToTensor 后使用 "
        "transforms.Normalize((0.5,), (0.5,))（0-255 的数据用 x / 127.5 - 1）；"
        "sigmoid 生成器使用 [0, 1] 的数据。",
        fix_for={
            "tensorflow": "把数据缩放到生成器的输出范围：tanh 生成器对 0-255 的像素用 x / 127.5 - 1"
            "（tf.image.convert_image_dtype 得到 [0, 1]，只适合 sigmoid 生成器）。",
            "keras": "把数据缩放到生成器的输出范围：tanh 生成器对 0-255 的像素用 x / 127.5 - 1"
            "（x / 255.0 得到 [0, 1]，只适合 sigmoid 生成器）。"},
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    d_units = set(run.units_with_role(DISCRIMINATOR))
    g_units = set(run.units_with_role(GENERATOR))
    into_d = [e for e in run.entries if e.unit in d_units]
    real = [e for e in into_d if not e.origin and len(e.stats.shape) >= 2]
    fake = [e for e in into_d if set(e.origin) & g_units and len(e.stats.shape) >= 2]
    if not real:
        return []
    r_lo, r_hi = min(e.stats.min for e in real), max(e.stats.max for e in real)
    if fake:
        squash = {e.producer for e in fake} & set(BOUNDED)
        if not squash:
            return []  # an unbounded output layer can reach any range
        f_lo, f_hi = min(e.stats.min for e in fake), max(e.stats.max for e in fake)
    else:
        # G's output reaches D only as a tensor without values (traced in a tf.function): its range is
        # its output op's (a tanh generator makes [-1, 1])
        squash = {e.producer for e in into_d if set(e.origin) & g_units} & set(BOUNDED)
        if len(squash) != 1:
            return []
        f_lo, f_hi = BOUNDED[next(iter(squash))]
    lo, hi = BOUNDED[squash.pop()]
    outside = r_lo < lo - 0.5 or r_hi > hi + 0.5  # data the generator can never produce
    unused = lo < 0 and r_lo > -0.01  # a tanh generator against data in [0, x]
    if not (outside or unused):
        return []
    first = real[0]
    return [
        Finding(ID, SEVERITY, first.step, first.data_location or first.location,
                {"real_min": r_lo, "real_max": r_hi, "fake_min": f_lo, "fake_max": f_hi})
    ]
