"""WGAN-GP on a ring of 8 Gaussians with MLP generator/critic classes and 5 critic steps.

The penalty's ``torch.autograd.grad(..., create_graph=True)`` keeps the gradients differentiable, so
``LAM * gp`` trains the critic toward unit gradient norm on the interpolates.
"""
# doctor: max-steps 360
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
Z, BATCH, N_CRITIC, LAM = 2, 256, 5, 0.1


def sample_real(n):
    k = torch.randint(0, 8, (n,))
    theta = k.float() * (2 * math.pi / 8)
    return torch.stack([2 * torch.cos(theta), 2 * torch.sin(theta)], 1) + 0.05 * torch.randn(n, 2)


class Generator(nn.Module):
    def __init__(self, h=128):
        super().__init__()
        self.l1, self.l2, self.l3 = nn.Linear(Z, h), nn.Linear(h, h), nn.Linear(h, 2)

    def forward(self, z):
        return self.l3(F.relu(self.l2(F.relu(self.l1(z)))))


class Critic(nn.Module):
    def __init__(self, h=128):
        super().__init__()
        self.l1, self.l2, self.l3 = nn.Linear(2, h), nn.Linear(h, h), nn.Linear(h, 1)

    def forward(self, x):
        return self.l3(F.relu(self.l2(F.relu(self.l1(x)))))


generator, critic = Generator(), Critic()
opt_gen = torch.optim.Adam(generator.parameters(), lr=1e-3, betas=(0.5, 0.9))
opt_crit = torch.optim.Adam(critic.parameters(), lr=1e-3, betas=(0.5, 0.9))


def penalty(critic, real, fake):
    t = torch.rand(real.size(0), 1)
    mixed = t * real + (1 - t) * fake
    mixed.requires_grad_(True)
    scores = critic(mixed)
    grads = torch.autograd.grad(
        outputs=scores,
        inputs=mixed,
        grad_outputs=torch.ones_like(scores),
        create_graph=True,
    )[0]
    return ((grads.norm(2, dim=1) - 1) ** 2).mean()


for it in range(300):
    for _ in range(N_CRITIC):
        real = sample_real(BATCH)
        with torch.no_grad():
            fake = generator(torch.randn(BATCH, Z))
        opt_crit.zero_grad()
        gp = penalty(critic, real, fake)
        loss_c = critic(fake).mean() - critic(real).mean() + LAM * gp
        loss_c.backward()
        opt_crit.step()

    opt_gen.zero_grad()
    loss_g = -critic(generator(torch.randn(BATCH, Z))).mean()
    loss_g.backward()
    opt_gen.step()

    if it % 80 == 0:
        print(f"it {it:3d}  critic {loss_c.item():+.3f}  gp {gp.item():.3f}  gen {loss_g.item():+.3f}")
