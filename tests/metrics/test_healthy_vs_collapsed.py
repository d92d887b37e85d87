"""On real MNIST, the classifier metrics separate a healthy run from a broken one by a clear margin.

Both are real runs of gandoctor's trainer (MLP GAN, 500 steps, same seed, the founding reports' plain
recipe that `--bug` runs use): one healthy, one with `--bug detach-generator`, whose generator never
learns. The trainer itself calls `evaluate()` at
the last step (`--eval-every`) and writes eval.jsonl, so this also tests that integration.
Measured once (seed 0): healthy fd ~420, 9 classes, KL ~0.5; broken fd ~1200, 2-3 classes, KL ~2.1.
"""

from __future__ import annotations

import json

import pytest

from gandoctor.cli import main as gandoctor_main


def train_and_evaluate(mnist_dir, run_dir, *extra: str) -> dict[str, float]:
    code = gandoctor_main(["train", "--data", f"mnist:{mnist_dir}", "--steps", "500", "--lr-g", "1e-3",
                           "--lr-d", "1e-3", "--batch-size", "128", "--log-every", "50",
                           "--sample-every", "500", "--eval-every", "500", "--run-dir", str(run_dir),
                           "--no-doctor", "--quiet", *extra])
    assert code == 0
    rows = [json.loads(line) for line in (run_dir / "eval.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == [500]
    return rows[-1]


@pytest.mark.slow
def test_classifier_metrics_separate_healthy_from_broken_run(mnist_dir, tmp_path):
    healthy = train_and_evaluate(mnist_dir, tmp_path / "healthy", "--loss", "bce", "--no-spectral-norm",
                                 "--no-minibatch-std", "--no-g-batchnorm", "--ema", "0")
    broken = train_and_evaluate(mnist_dir, tmp_path / "broken", "--bug", "detach-generator")
    assert healthy["classes_hit"] >= 8 and broken["classes_hit"] <= 4
    assert healthy["kl_uniform"] < 0.8 < 1.8 < broken["kl_uniform"]
    assert broken["fd"] > 2 * healthy["fd"]
    assert (tmp_path / "healthy" / "checkpoints" / "best.pt").exists()  # kept by the primary metric
