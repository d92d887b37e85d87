"""Least-squares GAN on a ring of 8 Gaussians (MSE loss, targets 1 for real, 0 for fake)."""
# doctor: max-steps 400
import math

import torch
import torch.nn as nn

torch.manual_seed(0)
gen = nn.Sequential(nn.Linear(4, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
disc = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
mse = nn.MSELoss()
opt_gen = torch.optim.Adam(gen.parameters(), lr=1e-3, betas=(0.5, 0.999))
opt_disc = torch.optim.Adam(disc.parameters(), lr=1e-3, betas=(0.5, 0.999))


def ring(n):
    a = torch.randint(0, 8, (n,)).float() * math.pi / 4
    return torch.stack([a.cos(), a.sin()], 1) * 2.0 + 0.05 * torch.randn(n, 2)


for step in range(3000):
    real, z = ring(256), torch.randn(256, 4)
    fake = gen(z)
    opt_disc.zero_grad()
    d_loss = 0.5 * (mse(disc(real), torch.ones(256, 1)) + mse(disc(fake.detach()), torch.zeros(256, 1)))
    d_loss.backward()
    opt_disc.step()

    opt_gen.zero_grad()
    g_loss = 0.5 * mse(disc(fake), torch.ones(256, 1))
    g_loss.backward()
    opt_gen.step()
    if step % 300 == 0:
        print(step, d_loss.item(), g_loss.item())
