"""WGAN-GP on the 8x8 digits with a config dataclass and a DCGAN-shaped critic whose BatchNorm is
replaced by LayerNorm, as the WGAN-GP paper advises; the generator keeps its BatchNorm.
"""
# doctor: max-steps 360
from dataclasses import dataclass

import torch
from sklearn.datasets import load_digits
from torch import nn


@dataclass
class Config:
    nz: int = 16
    batch_size: int = 64
    n_critic: int = 5
    gp_weight: float = 10.0
    lr: float = 2e-4
    iterations: int = 60


cfg = Config()
torch.manual_seed(0)
digits = torch.tensor(load_digits().data / 8.0 - 1.0, dtype=torch.float32).view(-1, 1, 8, 8)

netG = nn.Sequential(
    nn.Linear(cfg.nz, 64 * 2 * 2), nn.Unflatten(1, (64, 2, 2)), nn.BatchNorm2d(64), nn.ReLU(True),
    nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.BatchNorm2d(32), nn.ReLU(True),
    nn.ConvTranspose2d(32, 1, 4, 2, 1), nn.Tanh(),
)
netD = nn.Sequential(
    nn.Conv2d(1, 32, 4, 2, 1), nn.LeakyReLU(0.2, True),
    nn.Conv2d(32, 64, 4, 2, 1),
    nn.LayerNorm([64, 2, 2]),
    nn.LeakyReLU(0.2, True),
    nn.Flatten(), nn.Linear(64 * 2 * 2, 1),
)
opt_d = torch.optim.Adam(netD.parameters(), lr=cfg.lr, betas=(0.0, 0.9))
opt_g = torch.optim.Adam(netG.parameters(), lr=cfg.lr, betas=(0.0, 0.9))


def penalty(real, fake):
    eps = torch.rand(real.size(0), 1, 1, 1)
    mix = torch.lerp(fake, real, eps).requires_grad_(True)
    grad = torch.autograd.grad(netD(mix).sum(), mix, create_graph=True)[0]
    return (grad.flatten(1).norm(dim=1) - 1).pow(2).mean()


for it in range(cfg.iterations):
    for _ in range(cfg.n_critic):
        real = digits[torch.randint(0, len(digits), (cfg.batch_size,))]
        fake = netG(torch.randn(cfg.batch_size, cfg.nz)).detach()
        loss_d = netD(fake).mean() - netD(real).mean() + cfg.gp_weight * penalty(real, fake)
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
    loss_g = -netD(netG(torch.randn(cfg.batch_size, cfg.nz))).mean()
    opt_g.zero_grad(set_to_none=True)
    loss_g.backward()
    opt_g.step()
    if it % 20 == 0:
        print(f"{it}: loss_d {loss_d.item():.3f} loss_g {loss_g.item():.3f}")
