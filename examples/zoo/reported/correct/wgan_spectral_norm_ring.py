"""WGAN on a ring of 8 Gaussians whose critic is held Lipschitz by spectral normalisation alone (no
clipping, no gradient penalty): a correct design that has a Wasserstein loss and no explicit constraint.
"""
# doctor: max-steps 360
import math

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

torch.manual_seed(1)
Z_DIM, BATCH, CRITIC_ITERS = 8, 256, 5


def ring(n):
    k = torch.randint(0, 8, (n,)).float() * (2 * math.pi / 8)
    return 2 * torch.stack([k.cos(), k.sin()], dim=1) + 0.02 * torch.randn(n, 2)


generator = nn.Sequential(nn.Linear(Z_DIM, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 2))
critic = nn.Sequential(spectral_norm(nn.Linear(2, 256)), nn.ReLU(), spectral_norm(nn.Linear(256, 256)), nn.ReLU(),
                       spectral_norm(nn.Linear(256, 1)))
g_opt = torch.optim.Adam(generator.parameters(), lr=1e-4, betas=(0.5, 0.9))
c_opt = torch.optim.Adam(critic.parameters(), lr=1e-4, betas=(0.5, 0.9))

for it in range(60):
    for _ in range(CRITIC_ITERS):
        fake = generator(torch.randn(BATCH, Z_DIM)).detach()
        loss_c = -(torch.mean(critic(ring(BATCH))) - torch.mean(critic(fake)))
        c_opt.zero_grad()
        loss_c.backward()
        c_opt.step()
    loss_g = -torch.mean(critic(generator(torch.randn(BATCH, Z_DIM))))
    g_opt.zero_grad()
    loss_g.backward()
    g_opt.step()
    if it % 20 == 0:
        print(f"it {it}: critic {loss_c.item():.3f} generator {loss_g.item():.3f}")
