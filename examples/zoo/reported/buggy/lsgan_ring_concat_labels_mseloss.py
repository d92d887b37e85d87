"""Least-squares GAN on a ring of 8 Gaussians, D trained on one stacked batch with ``nn.MSELoss()``.

The labels are a 1-D tensor (``y = torch.zeros(2 * n); y[:n] = 1``) while the critic outputs (2n, 1):
the loss broadcasts to (2n, 2n) with only a UserWarning, and D is trained toward 0.5 everywhere.
"""
# doctor: max-steps 400
import math

import torch
import torch.nn as nn


def ring(n, k=8, r=2.0, s=0.05):
    t = torch.randint(0, k, (n,)).float() * (2 * math.pi / k)
    return r * torch.stack((t.cos(), t.sin()), dim=1) + s * torch.randn(n, 2)


class MLP(nn.Module):
    def __init__(self, d_in, d_out, hidden=128):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(d_in, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, d_out),
        )

    def forward(self, x):
        return self.layers(x)


torch.manual_seed(3)
n, nz = 128, 4
generator, critic = MLP(nz, 2), MLP(2, 1)
mse = nn.MSELoss()
g_opt = torch.optim.Adam(generator.parameters(), lr=1e-3, betas=(0.5, 0.99))
d_opt = torch.optim.Adam(critic.parameters(), lr=1e-3, betas=(0.5, 0.99))
y = torch.zeros(2 * n)
y[:n] = 1

for it in range(1200):
    x_real = ring(n)
    x_fake = generator(torch.randn(n, nz))

    d_opt.zero_grad()
    out = critic(torch.cat((x_real, x_fake.detach()), 0))
    d_loss = mse(out, y)  # doctor: expect loss-target-shape-mismatch
    d_loss.backward()
    d_opt.step()

    g_opt.zero_grad()
    g_loss = mse(critic(x_fake), torch.ones(n, 1))
    g_loss.backward()
    g_opt.step()

    if it % 400 == 0:
        print(f"it {it}: d_loss={d_loss.item():.4f} g_loss={g_loss.item():.4f} "
              f"D(real)={out[:n].mean().item():.3f} D(fake)={out[n:].mean().item():.3f}")
