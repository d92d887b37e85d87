"""Done-when: the MLP GAN trained on the MNIST files with the defaults makes digits of all ten classes.

As a new user runs it: only the data and 5,000 steps are given, everything else is the MLP's default
recipe. Judged by the metrics package's digit classifier, trained on the same files, on 1,000 samples.

The issue asks for at least 5% per digit on three seeds. The MLP's recipe for MNIST (512-512 hidden,
R1+R2 penalties instead of spectral norm) gave a rarest digit of 6.1%, 6.0% and 7.4% on seeds 0, 1
and 2, and 6.0-7.2% on seeds 3-9 (seeds 6-9 run only after the recipe was chosen; docs/training.md).
This test asks for the issue's 5% on seed 0, eleven samples under what it measured here; runs do not
repeat exactly across machines (the previous recipe's seed 0 gave 5.0% on one and 4.2% on another).
The CPU time is printed (run with -s to see it); the budget is read, not asserted.
"""

from __future__ import annotations

import time

import pytest
import torch

from gandoctor.metrics.classifier import load_or_train
from gandoctor.train.loop import train
from gandoctor.train.samples import load_generator

from .conftest import quick_config

STEPS = 5000


@pytest.mark.slow
def test_default_mlp_gan_on_mnist_makes_all_ten_digits(tmp_path, mnist_dir):
    cfg = quick_config(tmp_path, data=f"mnist:{mnist_dir}", steps=STEPS, log_every=100, ckpt_every=STEPS)
    cpu_before = time.process_time()
    train(cfg)
    cpu_seconds = time.process_time() - cpu_before
    G, cfg, _ = load_generator(tmp_path)
    with torch.no_grad():
        samples = G(torch.randn(1000, cfg.z_dim, generator=torch.Generator().manual_seed(1)))
    classifier = load_or_train(f"mnist:{mnist_dir}", verbose=False)
    counts = torch.bincount(classifier.probs(samples).argmax(dim=1), minlength=10)
    print(f"\nMNIST MLP GAN ({cfg.recipe_line()}): {STEPS} steps, {cpu_seconds:.0f} s CPU; "
          f"classes of 1000: {counts.tolist()}")
    assert (counts >= 50).all(), f"classes below 5%: {counts.tolist()}"
