"""A tiny real GAN on sklearn's bundled 8x8 digits, with switches that plant one bug at a time.

Each switch changes the one line a student would get wrong; every line that a check should point at
carries a ``# doctor: <id>`` marker so tests can assert the finding's location.
"""

from __future__ import annotations

import inspect

import torch
from sklearn.datasets import load_digits
from torch import nn

_DIGITS: torch.Tensor | None = None


def digits() -> torch.Tensor:
    """The 1797 digit images as 64-vectors scaled to [-1, 1]."""
    global _DIGITS
    if _DIGITS is None:
        x = torch.tensor(load_digits().data, dtype=torch.float32) / 16.0
        _DIGITS = x * 2 - 1
    return _DIGITS


def line_of(marker: str, module: object = None) -> int:
    """The line number that carries ``# doctor: <marker>`` in ``module`` (default: this file)."""
    lines, start = inspect.getsourcelines(module or inspect.getmodule(line_of))
    for i, text in enumerate(lines):
        if f"# doctor: {marker}" in text:
            return start + i + 1
    raise KeyError(marker)


def make_models(bug: str = "", nz: int = 16) -> tuple[nn.Module, nn.Module]:
    output = nn.Sigmoid() if bug == "range01-sigmoid" else nn.Tanh()
    if bug == "linear-chain":
        g = nn.Sequential(nn.Linear(nz, 64),  # doctor: linear-chain
                          nn.Linear(64, 64), output)
    elif bug == "tanh-hidden":
        g = nn.Sequential(nn.Linear(nz, 64), nn.Tanh(), nn.Linear(64, 64), output)
    else:
        g = nn.Sequential(nn.Linear(nz, 64), nn.ReLU(), nn.Linear(64, 64), output)
    d_layers: list[nn.Module] = [nn.Linear(64, 64), nn.LeakyReLU(0.2), nn.Linear(64, 1)]
    if bug in ("sigmoid-logits", "bce-probabilities", "sigmoid-bce"):
        d_layers.append(nn.Sigmoid())
    d = nn.Sequential(*d_layers)
    if bug in ("init-n01", "init-small"):
        for m in g.modules():
            if isinstance(m, nn.Linear):
                if bug == "init-n01":
                    nn.init.normal_(m.weight, 0.0, 1.0)  # doctor: init-n01
                else:
                    nn.init.normal_(m.weight, 0.0, 0.02)
    return g, d


def train(bug: str = "", steps: int = 8, seed: int = 0, batch: int = 32, nz: int = 16) -> list[float]:
    """Train for ``steps`` iterations (two optimizer steps each) and return the losses."""
    torch.manual_seed(seed)
    data = digits()
    if bug in ("range01", "range01-sigmoid"):
        data = (data + 1) / 2  # doctor: range01
    g, d = make_models(bug, nz)
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    if bug == "optimizer-wrong":
        opt_g = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))  # doctor: optimizer-wrong
    elif bug == "param-groups":
        opt_g = torch.optim.Adam([{"params": g[0].parameters()}, {"params": g[2].parameters(), "lr": 1e-4}],
                                 lr=2e-4, betas=(0.5, 0.999))
    else:
        opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))  # doctor: never-steps
    bce = nn.BCELoss() if bug == "sigmoid-bce" else nn.BCEWithLogitsLoss()  # doctor: sigmoid-logits
    ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)
    losses = []
    for step in range(steps):
        real = data[torch.randint(0, len(data), (batch,))]
        z = torch.randn(batch, nz)

        # --- discriminator step
        if bug != "no-zero-grad":
            opt_d.zero_grad(set_to_none=(bug == "set-to-none"))
        if bug == "freeze-unfreeze":
            for p in d.parameters():
                p.requires_grad_(True)
        fake = g(z)
        if bug == "label-same":
            d_loss = bce(d(real), ones) + bce(d(fake.detach()), ones)  # doctor: label-same
        elif bug == "label-smoothing":
            d_loss = bce(d(real), ones * 0.9) + bce(d(fake.detach()), zeros)
        else:
            d_loss = bce(d(real), ones) + bce(d(fake.detach()), zeros)
        if bug != "joint-backward":
            d_loss.backward()  # doctor: no-zero-grad
            opt_d.step()

        # --- generator step
        opt_g.zero_grad()
        if bug == "freeze-unfreeze":
            for p in d.parameters():
                p.requires_grad_(False)
        if bug == "frozen-d":  # frozen for the G step and never unfrozen
            for p in d.parameters():
                p.requires_grad = False  # doctor: frozen-d
        if bug == "detach":
            g_loss = bce(d(fake.detach()), ones)  # doctor: detach
        elif bug == "label-g-fake":
            g_loss = bce(d(fake), zeros)  # doctor: label-g-fake
        elif bug == "saturating":
            g_loss = torch.log(1 - torch.sigmoid(d(fake))).mean()  # doctor: saturating
        elif bug == "log-d":  # the non-saturating loss written out: maximise log D(G(z))
            g_loss = -torch.log(torch.sigmoid(d(fake))).mean()
        elif bug == "fresh-fake":  # a new fake for the G step instead of reusing the D step's
            g_loss = bce(d(g(torch.randn(batch, nz))), ones)
        elif bug == "item-loss":
            value = bce(d(fake), ones).item()
            g_loss = torch.tensor(value, requires_grad=True)  # doctor: item-loss
        else:
            g_loss = bce(d(fake), ones)
        if bug == "joint-backward":
            (d_loss + g_loss).backward()  # doctor: joint-backward
            opt_d.step()
        else:
            g_loss.backward()
        if bug == "n-critic":  # G steps every other iteration, D every one: a legitimate schedule
            if step % 2 == 1:
                opt_g.step()
        elif bug != "never-steps":
            opt_g.step()
        losses.append(float(d_loss) + float(g_loss))
    return losses


def train_probability_loss(steps: int = 6, raw_scores: bool = True, use_bce_module: bool = False) -> None:
    """A minimax GAN written with log(D): correct when D's scores go through a sigmoid first."""
    torch.manual_seed(0)
    data = digits()
    g, d = make_models()
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4)
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4)
    bce = nn.BCELoss()
    for _ in range(steps):
        real = data[torch.randint(0, len(data), (32,))]
        fake = g(torch.randn(32, 16))
        if raw_scores:
            d_real, d_fake = d(real), d(fake.detach())
        else:
            d_real, d_fake = torch.sigmoid(d(real)), torch.sigmoid(d(fake.detach()))
        opt_d.zero_grad()
        if use_bce_module:
            d_loss = bce(d_real, torch.ones_like(d_real))  # doctor: bce-raw
        else:
            d_loss = -(torch.log(d_real) + torch.log(1 - d_fake)).mean()  # doctor: log-raw
        d_loss.backward()
        opt_d.step()
        opt_g.zero_grad()
        g_loss = -torch.log(torch.sigmoid(d(fake))).mean()
        g_loss.backward()
        opt_g.step()
