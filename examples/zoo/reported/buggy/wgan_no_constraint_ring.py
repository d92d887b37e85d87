"""WGAN on a ring of 8 Gaussians written as small functions: the critic's loss is the Wasserstein
difference, but nothing keeps the critic Lipschitz (no clipping, no penalty, no spectral norm).
"""
# doctor: max-steps 300
import math

import torch
from torch import nn

torch.manual_seed(1)
Z_DIM, BATCH, CRITIC_ITERS = 8, 256, 5


def ring(n):
    k = torch.randint(0, 8, (n,)).float() * (2 * math.pi / 8)
    return 2 * torch.stack([k.cos(), k.sin()], dim=1) + 0.02 * torch.randn(n, 2)


def mlp(n_in, n_out):
    return nn.Sequential(nn.Linear(n_in, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, n_out))


generator, critic = mlp(Z_DIM, 2), mlp(2, 1)
g_opt = torch.optim.Adam(generator.parameters(), lr=1e-4, betas=(0.5, 0.9))
c_opt = torch.optim.Adam(critic.parameters(), lr=1e-4, betas=(0.5, 0.9))


def critic_step():
    fake = generator(torch.randn(BATCH, Z_DIM)).detach()
    loss = -(torch.mean(critic(ring(BATCH))) - torch.mean(critic(fake)))  # doctor: expect unconstrained-critic
    c_opt.zero_grad()
    loss.backward()
    c_opt.step()
    return loss.item()


def generator_step():
    loss = -torch.mean(critic(generator(torch.randn(BATCH, Z_DIM))))
    g_opt.zero_grad()
    loss.backward()
    g_opt.step()
    return loss.item()


for it in range(60):
    for _ in range(CRITIC_ITERS):
        w = critic_step()
    g = generator_step()
    if it % 20 == 0:
        print(f"it {it}: critic {w:.3f} generator {g:.3f}")
