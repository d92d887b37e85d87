"""GAN losses on raw discriminator logits: one function for D, one for G, per ``--loss``.

``bce`` is the non-saturating loss of Goodfellow et al. (G maximises log D(G(z))), which is the
default because it converges out of the box; the others are common alternatives for comparison.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


def discriminator_loss(
    kind: str, real: torch.Tensor, fake: torch.Tensor, smoothing: float = 0.0
) -> torch.Tensor:
    """D's loss from its logits on a real and a fake batch (without the WGAN gradient penalty)."""
    if kind == "bce":
        real_target = torch.full_like(real, 1.0 - smoothing)  # one-sided: only real labels are smoothed
        return (F.binary_cross_entropy_with_logits(real, real_target)
                + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))
    if kind == "hinge":
        return F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean()
    if kind == "lsgan":
        return 0.5 * ((real - 1.0).pow(2).mean() + fake.pow(2).mean())
    if kind == "wgan-gp":
        return fake.mean() - real.mean()
    raise ValueError(f"unknown loss {kind!r}")


def generator_loss(kind: str, fake: torch.Tensor) -> torch.Tensor:
    """G's loss from D's logits on its samples."""
    if kind == "bce":
        return F.binary_cross_entropy_with_logits(fake, torch.ones_like(fake))
    if kind == "lsgan":
        return 0.5 * (fake - 1.0).pow(2).mean()
    if kind in ("hinge", "wgan-gp"):
        return -fake.mean()
    raise ValueError(f"unknown loss {kind!r}")


def gradient_penalty(D: nn.Module, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """WGAN-GP: (||grad D(x_hat)|| - 1)^2 on random interpolates of real and fake (Gulrajani et al.)."""
    alpha = torch.rand(real.shape[0], *([1] * (real.dim() - 1)), device=real.device)
    x_hat = (alpha * real + (1 - alpha) * fake.detach()).requires_grad_(True)
    (grad,) = torch.autograd.grad(D(x_hat).sum(), x_hat, create_graph=True)
    return (grad.flatten(1).norm(dim=1) - 1.0).pow(2).mean()


def d_output_mean(kind: str, logits: torch.Tensor) -> torch.Tensor:
    """What is logged as D(real)/D(fake): a probability for BCE, the raw score otherwise."""
    return torch.sigmoid(logits).mean() if kind == "bce" else logits.mean()
