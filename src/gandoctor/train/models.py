"""The two networks from the founding reports, corrected: an MLP GAN and the DCGAN.

Both discriminators return raw logits (N,), so every loss in ``losses.py`` can be applied to them.
``build_models`` is the one place networks are made (training and sampling alike), so a ``--bug``
wrapper from ``bugs.py`` is applied there too.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
from torch.nn.utils.parametrizations import spectral_norm as _spectral_norm

from gandoctor.train.bugs import BUGS
from gandoctor.train.config import TrainConfig


class MLPGenerator(nn.Module):
    """z (uniform or normal noise) -> hidden LeakyReLU layers (BatchNorm before each, optionally) -> tanh."""

    def __init__(self, z_dim: int, hidden: list[int], shape: tuple[int, int, int], batchnorm: bool = False):
        super().__init__()
        self.shape = shape
        layers: list[nn.Module] = []
        width = z_dim
        for h in hidden:
            layers += [nn.Linear(width, h), *([nn.BatchNorm1d(h)] if batchnorm else []), nn.LeakyReLU(0.2)]
            width = h
        layers += [nn.Linear(width, math.prod(shape)), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z.flatten(1)).view(-1, *self.shape)


class MinibatchStd(nn.Module):
    """Appends one feature: the batch's mean per-feature standard deviation (Karras et al., 2018).

    D then sees how varied a batch is, so a G that drops modes is told apart from the data; the
    cheapest remedy for the missing digits of an MLP GAN. Real and fake batches go through D
    separately in this trainer, so the statistic is never mixed across them.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        std = x.std(dim=0, unbiased=False).mean() if x.shape[0] > 1 else x.new_zeros(())
        return torch.cat([x, std.expand(x.shape[0], 1)], dim=1)


class MLPDiscriminator(nn.Module):
    def __init__(self, hidden: list[int], shape: tuple[int, int, int], sn: bool = False,
                 minibatch_std: bool = False):
        super().__init__()
        wrap = _spectral_norm if sn else (lambda m: m)
        layers: list[nn.Module] = []
        width = math.prod(shape)
        for h in hidden:
            layers += [wrap(nn.Linear(width, h)), nn.LeakyReLU(0.2)]
            width = h
        if minibatch_std:
            layers.append(MinibatchStd())
            width += 1
        layers.append(wrap(nn.Linear(width, 1)))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.flatten(1)).view(-1)


def _dcgan_plan(image_size: int) -> tuple[int, int]:
    """(starting spatial size, number of 2x upsamplings): 4->64 in 4, 4->32 in 3, 7->28 in 2."""
    base = 7 if image_size == 28 else 4
    return base, int(math.log2(image_size // base))


class DCGANGenerator(nn.Module):
    """Radford et al.'s generator: transposed convs, BatchNorm, ReLU, tanh output."""

    def __init__(self, z_dim: int, ngf: int, channels: int, image_size: int):
        super().__init__()
        base, n_up = _dcgan_plan(image_size)
        width = ngf * 2 ** (n_up - 1)
        layers: list[nn.Module] = [
            nn.ConvTranspose2d(z_dim, width, base, 1, 0, bias=False), nn.BatchNorm2d(width), nn.ReLU(True),
        ]
        for _ in range(n_up - 1):
            layers += [nn.ConvTranspose2d(width, width // 2, 4, 2, 1, bias=False),
                       nn.BatchNorm2d(width // 2), nn.ReLU(True)]
            width //= 2
        layers += [nn.ConvTranspose2d(width, channels, 4, 2, 1, bias=False), nn.Tanh()]
        self.main = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.main(z.view(z.shape[0], -1, 1, 1))


class DCGANDiscriminator(nn.Module):
    """Strided convs and LeakyReLU; BatchNorm unless spectral norm or a gradient penalty (per sample)."""

    def __init__(self, ndf: int, channels: int, image_size: int, batchnorm: bool = True, sn: bool = False):
        super().__init__()
        wrap = _spectral_norm if sn else (lambda m: m)
        base, n_up = _dcgan_plan(image_size)
        layers: list[nn.Module] = [wrap(nn.Conv2d(channels, ndf, 4, 2, 1, bias=False)),
                                   nn.LeakyReLU(0.2, True)]
        width = ndf
        for _ in range(n_up - 1):
            layers.append(wrap(nn.Conv2d(width, width * 2, 4, 2, 1, bias=not batchnorm)))
            if batchnorm:
                layers.append(nn.BatchNorm2d(width * 2))
            layers.append(nn.LeakyReLU(0.2, True))
            width *= 2
        layers.append(wrap(nn.Conv2d(width, 1, base, 1, 0, bias=False)))
        self.main = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.main(x).view(-1)


def init_weights(module: nn.Module, model: str) -> None:
    """DCGAN: N(0, 0.02) convs, N(1, 0.02) BatchNorm. MLP: Xavier, zero bias."""
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            weight = m.parametrizations.weight.original if hasattr(m, "parametrizations") else m.weight
            if model == "dcgan":
                nn.init.normal_(weight, 0.0, 0.02)
            else:
                nn.init.xavier_uniform_(weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


def build_models(cfg: TrainConfig, shape: tuple[int, int, int]) -> tuple[nn.Module, nn.Module]:
    """Generator and discriminator for images of ``shape`` (C, H, W), initialised (and, with ``--bug``,
    broken the way that bug's report describes)."""
    cfg.apply_recipe()
    channels, size, _ = shape
    if cfg.model == "mlp":
        G: nn.Module = MLPGenerator(cfg.z_dim, cfg.hidden, shape, bool(cfg.g_batchnorm))
        D: nn.Module = MLPDiscriminator(list(reversed(cfg.hidden)), shape, bool(cfg.spectral_norm),
                                        bool(cfg.minibatch_std))
    else:
        G = DCGANGenerator(cfg.z_dim, cfg.ngf, channels, size)
        batchnorm = not (cfg.spectral_norm or cfg.penalises_input_gradient)  # a penalty is per sample
        D = DCGANDiscriminator(cfg.ndf, channels, size, batchnorm, cfg.spectral_norm)
    init_weights(G, cfg.model)
    init_weights(D, cfg.model)
    bug = BUGS[cfg.bug] if cfg.bug else None
    if bug is not None and bug.models is not None:
        G, D = bug.models(G, D)
    return G, D
