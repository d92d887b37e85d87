"""A small real GAN on sklearn's 8x8 digits for the statistical checks' tests, one switch per bug.

Each switch is the one line a user gets wrong; ``train`` runs it under ``gandoctor.watch()`` and returns
the doctor. ``bug=""`` is the correct loop, run just as long, so "silent on correct code" is tested on
the same number of steps as the bug.
"""

from __future__ import annotations

from pathlib import Path

import torch
from sklearn.datasets import load_digits
from torch import nn

import gandoctor


def train(bug: str = "", iterations: int = 10, d_steps: int = 1, seed: int = 0):
    torch.manual_seed(seed)
    pixels = load_digits().data
    with gandoctor.watch() as doc:  # the whole script, as `gandoctor run` sees it
        data = torch.tensor(pixels, dtype=torch.float32) / 8.0 - 1.0
        if bug == "nan-data":
            data = (data - data.mean(0)) / data.std(0)  # some pixels never vary: 0 / 0  # mark: nan-data
        g = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 64), nn.Tanh())
        d = nn.Sequential(nn.Linear(64, 64), nn.LeakyReLU(0.2), nn.Linear(64, 1))
        lr_d = {"lr-high": 2.0, "strong-d": 2e-3}.get(bug, 1e-3)
        lr_g = {"lr-high": 2.0, "strong-d": 1e-5}.get(bug, 1e-3)
        sgd = bug == "lr-high"
        if sgd:
            opt_d = torch.optim.SGD(d.parameters(), lr_d, momentum=0.9)  # mark: optimizer-d
            opt_g = torch.optim.SGD(g.parameters(), lr_g, momentum=0.9)
        else:
            opt_d = torch.optim.Adam(d.parameters(), lr_d)  # mark: optimizer-d
            opt_g = torch.optim.Adam(g.parameters(), lr_g)
        bce = nn.BCEWithLogitsLoss()
        fixed_z = torch.randn(64, 8)  # mark: fixed-noise
        fixed_real = data[:64]
        for _ in range(iterations):
            for _ in range(d_steps):
                real = fixed_real if bug == "fixed-batch" else data[torch.randint(0, len(data), (64,))]
                z = fixed_z if bug == "fixed-noise" else torch.randn(64, 8)
                if bug == "tiny-noise":
                    z = z * 0.01  # mark: tiny-noise
                fake = g(z)
                opt_d.zero_grad()
                loss_d = bce(d(real), torch.ones(64, 1)) + bce(d(fake.detach()), torch.zeros(64, 1))
                loss_d.backward()
                opt_d.step()
            opt_g.zero_grad()
            loss_g = bce(d(fake), torch.ones(64, 1))
            loss_g.backward()
            opt_g.step()
    return doc


def line_of(mark: str, nth: int = 0) -> int:
    """The line of this file carrying ``# mark: <mark>`` (the ``nth`` one when several do)."""
    lines = Path(__file__).read_text(encoding="utf-8").splitlines()
    return [i for i, text in enumerate(lines, 1) if text.endswith(f"# mark: {mark}")][nth]


def ids(doc, severity: str = "error") -> list[str]:
    return [f.id for f in doc.findings if f.severity == severity]
