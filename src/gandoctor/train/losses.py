"""GAN losses on raw discriminator logits, as a registry: adding a loss is adding one entry here.

Each ``GanLoss`` says how D and G are scored, whether D's step adds the gradient penalty, and what
is logged as D(real)/D(fake). ``bce`` is the non-saturating loss of Goodfellow et al. (G maximises
log D(G(z))).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

Tensor = torch.Tensor


@dataclass(frozen=True)
class GanLoss:
    description: str
    d_loss: Callable[[Tensor, Tensor, float], Tensor]  # (D(real), D(fake), label smoothing) -> loss
    g_loss: Callable[[Tensor], Tensor]  # D(G(z)) -> loss
    penalty: bool = False  # D's step adds gp_weight * gradient_penalty
    probability: bool = False  # D's logits mean probabilities: log sigmoid(D(x)), not the raw score


def _bce_d(real: Tensor, fake: Tensor, smoothing: float) -> Tensor:
    real_target = torch.full_like(real, 1.0 - smoothing)  # one-sided: only real labels are smoothed
    return (F.binary_cross_entropy_with_logits(real, real_target)
            + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))


LOSSES: dict[str, GanLoss] = {
    "bce": GanLoss("non-saturating binary cross-entropy", _bce_d,
                   lambda fake: F.binary_cross_entropy_with_logits(fake, torch.ones_like(fake)),
                   probability=True),
    "hinge": GanLoss("hinge loss for D, -D(G(z)) for G",
                     lambda real, fake, _: F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean(),
                     lambda fake: -fake.mean()),
    "lsgan": GanLoss("least squares toward 1 (real) and 0 (fake)",
                     lambda real, fake, _: 0.5 * ((real - 1.0).pow(2).mean() + fake.pow(2).mean()),
                     lambda fake: 0.5 * (fake - 1.0).pow(2).mean()),
    "wgan-gp": GanLoss("Wasserstein critic with a gradient penalty",
                       lambda real, fake, _: fake.mean() - real.mean(), lambda fake: -fake.mean(),
                       penalty=True),
}


def discriminator_loss(kind: str, real: Tensor, fake: Tensor, smoothing: float = 0.0) -> Tensor:
    """D's loss from its logits on a real and a fake batch (without the gradient penalty)."""
    return LOSSES[kind].d_loss(real, fake, smoothing)


def generator_loss(kind: str, fake: Tensor) -> Tensor:
    """G's loss from D's logits on its samples."""
    return LOSSES[kind].g_loss(fake)


def gradient_penalty(D: nn.Module, real: Tensor, fake: Tensor) -> Tensor:
    """WGAN-GP: (||grad D(x_hat)|| - 1)^2 on random interpolates of real and fake (Gulrajani et al.)."""
    alpha = torch.rand(real.shape[0], *([1] * (real.dim() - 1)), device=real.device)
    x_hat = (alpha * real + (1 - alpha) * fake.detach()).requires_grad_(True)
    (grad,) = torch.autograd.grad(D(x_hat).sum(), x_hat, create_graph=True)
    return (grad.flatten(1).norm(dim=1) - 1.0).pow(2).mean()


def zero_centred_penalty(D: nn.Module, x: Tensor) -> Tensor:
    """E ||grad_x D(x)||^2: R1 on real inputs, R2 on fakes (Mescheder et al. 2018).

    Pushing D's slope toward zero on the data and on G's samples keeps D from overshooting the
    samples it sees, so G is not chased from mode to mode (Huang et al. 2024 pair R1 and R2 for mode
    coverage). Unlike WGAN-GP's it is centred on 0 and taken at the samples, not interpolates.
    """
    x = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(D(x).sum(), x, create_graph=True)
    return grad.flatten(1).pow(2).sum(dim=1).mean()


def d_output_mean(kind: str, logits: Tensor) -> Tensor:
    """What is logged as D(real)/D(fake): a probability for BCE, the raw score otherwise."""
    return torch.sigmoid(logits).mean() if LOSSES[kind].probability else logits.mean()
