"""Each --bug reproduces the failure its report describes; the same setting without the bug trains.

All runs: the MLP GAN on scikit-learn's digits, 600 steps, seed 0, with the founding reports' plain
recipe (``FOUNDING``: BCE, no spectral norm, no EMA), which ``--bug`` runs use too. Sample quality is
measured by the metrics package's digit classifier (Fréchet distance in its feature space, lower is better).
"""

from __future__ import annotations

import math

import pytest
import torch

from gandoctor.metrics import evaluate
from gandoctor.train.config import FOUNDING
from gandoctor.train.loop import train
from gandoctor.train.samples import load_generator

from .conftest import quick_config, read_metrics

pytestmark = pytest.mark.slow
STEPS = 600


def _run(tmp_path_factory, bug: str, steps: int = STEPS) -> tuple[list[dict], torch.Tensor, float]:
    """Train; return the metrics rows, 1000 samples in [-1, 1] and their Fréchet distance to real digits."""
    run_dir = tmp_path_factory.mktemp(bug or "baseline")
    train(quick_config(run_dir, bug=bug, steps=steps, log_every=20, ckpt_every=steps, **FOUNDING))
    G, cfg, _ = load_generator(run_dir)

    def sample(k: int) -> torch.Tensor:
        with torch.no_grad():
            return G(torch.randn(k, cfg.z_dim, generator=torch.Generator().manual_seed(1)))

    fd = evaluate(sample, "digits", n=1000).values["fd"]
    return read_metrics(run_dir), sample(1000), fd


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    rows, samples, fd = _run(tmp_path_factory, "")
    last = rows[-5:]
    # the corrected GAN trains: D neither wins nor gives up, G keeps getting gradient
    assert all(0.5 < r["d_loss"] < 1.6 and r["g_grad_norm"] > 0.5 for r in last)
    assert rows[0]["data_min"] == -1.0 and rows[0]["data_max"] == 1.0
    return rows, samples, fd


def test_detach_generator_starves_g_and_d_wins(tmp_path_factory, baseline):
    rows, _, fd = _run(tmp_path_factory, "detach-generator")
    assert all(r["g_grad_norm"] == 0.0 for r in rows)  # no gradient ever reaches G
    assert rows[-1]["d_loss"] < 0.05 < baseline[0][-1]["d_loss"]  # D loss toward 0
    assert rows[-1]["g_loss"] > rows[0]["g_loss"] + 3  # G loss rising
    assert fd > 3 * baseline[2]  # samples stay what a random G makes


def test_double_sigmoid_leaves_d_and_g_stuck(tmp_path_factory, baseline):
    rows, _, fd = _run(tmp_path_factory, "double-sigmoid")
    for r in rows[-5:]:
        assert abs(r["d_loss"] - 2 * math.log(2)) < 0.01  # stuck at chance, 2 ln 2
        assert abs(r["g_loss"] - math.log(2)) < 0.01
    assert rows[-1]["g_grad_norm"] < 0.05 * baseline[0][-1]["g_grad_norm"]
    assert fd > 2 * baseline[2]


def test_normal_init_saturates_and_explodes(tmp_path_factory, baseline):
    rows, samples, _ = _run(tmp_path_factory, "normal-init", steps=200)
    assert rows[0]["d_loss"] > 100 or rows[0]["g_loss"] > 100  # losses blow up from step 1
    saturated = (samples.abs() > 0.99).float().mean().item()
    assert saturated > 0.95  # tanh pinned at +-1: binary noise, not digits
    assert (baseline[1].abs() > 0.99).float().mean().item() < 0.5


def test_no_hidden_activation_cannot_make_digits(tmp_path_factory, baseline):
    rows, _, fd = _run(tmp_path_factory, "no-hidden-activation")
    assert fd > 1.5 * baseline[2]


def test_unscaled_data_feeds_0_1_and_samples_come_out_wrong(tmp_path_factory, baseline):
    rows, samples, fd = _run(tmp_path_factory, "unscaled-data")
    assert rows[0]["data_min"] == 0.0 and rows[0]["data_max"] == 1.0  # the logged range shows the mistake
    # G learns [0, 1] pixels, so every consumer that expects [-1, 1] sees grey where the digits are black
    black = (samples < -0.9).float().mean().item()
    assert black < 0.05 and (baseline[1] < -0.9).float().mean().item() > 0.3
    assert fd > 1.5 * baseline[2]
