"""Stacked MNIST: the builder is reproducible and the mode count sees collapse."""

from __future__ import annotations

import math

import torch

from gandoctor.metrics.classifier import load_or_train
from gandoctor.metrics.digit_metrics import stacked_metrics
from gandoctor.metrics.stacked_mnist import build_stacked_mnist, stacked_mnist_for_training


def test_builder_is_reproducible_and_labels_match_channels(mnist_dir):
    a, modes_a = build_stacked_mnist(mnist_dir, count=200, seed=3)
    b, modes_b = build_stacked_mnist(mnist_dir, count=200, seed=3)
    assert a.shape == (200, 3, 28, 28) and torch.equal(a, b) and torch.equal(modes_a, modes_b)
    assert int(modes_a.min()) >= 0 and int(modes_a.max()) < 1000
    assert stacked_mnist_for_training(f"stacked-mnist:{mnist_dir}", count=10).dtype == torch.uint8


def test_modes_separate_real_from_collapsed(mnist_dir):
    clf = load_or_train(f"mnist:{mnist_dir}")
    real, modes = build_stacked_mnist(mnist_dir, count=1000, seed=5)
    reference, _ = build_stacked_mnist(mnist_dir, count=1000, seed=6)
    good = stacked_metrics(clf, real, reference)
    true_modes = len(torch.unique(modes))  # ~632 distinct modes in 1,000 uniform draws
    assert abs(good["modes"] - true_modes) <= 0.1 * true_modes
    collapsed = real[:5].repeat(200, 1, 1, 1)  # five images, over and over
    bad = stacked_metrics(clf, collapsed, reference)
    assert bad["modes"] <= 5
    assert bad["kl_uniform"] > math.log(1000) - math.log(5) - 0.01
    assert good["fd"] * 5 < bad["fd"]
