"""Done-when: the MLP GAN trained on the MNIST files makes digits of all ten classes.

Measured by the metrics package's digit classifier, trained on the same files: of 1,000 samples,
every class must get at least 3%. The training CPU time is printed (run with -s to see it); the
budget is checked by reading it, not by a timed assertion.
"""

from __future__ import annotations

import time

import pytest
import torch

from gandoctor.metrics.classifier import load_or_train
from gandoctor.train.loop import train
from gandoctor.train.samples import load_generator

from .conftest import quick_config

STEPS = 3000
# Spectral norm + hinge loss in D and an EMA of G: the most even class coverage in our CPU trials
# (plain BCE left the 6s at about 2%; at 4000 steps this recipe also dipped to 2% on our trial noise).
RECIPE = {"spectral_norm": True, "loss": "hinge", "ema": 0.999}


@pytest.mark.slow
def test_mlp_gan_on_mnist_hits_all_ten_classes(tmp_path, mnist_dir):
    cfg = quick_config(tmp_path, data=f"mnist:{mnist_dir}", steps=STEPS, log_every=100, ckpt_every=STEPS,
                       **RECIPE)
    cpu_before = time.process_time()
    train(cfg)
    cpu_seconds = time.process_time() - cpu_before
    G, cfg, _ = load_generator(tmp_path)
    with torch.no_grad():
        samples = G(torch.randn(1000, cfg.z_dim, generator=torch.Generator().manual_seed(1)))
    classifier = load_or_train(f"mnist:{mnist_dir}", verbose=False)
    counts = torch.bincount(classifier.probs(samples).argmax(dim=1), minlength=10)
    print(f"\nMNIST MLP GAN: {STEPS} steps, {cpu_seconds:.0f} s CPU; classes of 1000: {counts.tolist()}")
    assert (counts >= 30).all(), f"classes below 3%: {counts.tolist()}"
