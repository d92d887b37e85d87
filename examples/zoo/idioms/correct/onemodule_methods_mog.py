"""Idiom: one wrapper module with generate()/discriminate() methods; its forward() runs G then D.

The loop never touches the sub-networks directly: the D step calls ``model.discriminate(...)`` on
real and (detached) generated points, the G step calls ``model(z)``, whose forward generates and
scores in one go. Data: a ring of 8 Gaussians in 2-D.
"""
# doctor: max-steps 300
import math

import torch
import torch.nn as nn


def sample_ring(n, modes=8, radius=2.0, std=0.05):
    k = torch.randint(0, modes, (n,)).float()
    angle = 2 * math.pi * k / modes
    centers = torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], dim=1)
    return centers + std * torch.randn(n, 2)


class Adversarial(nn.Module):
    def __init__(self, z_dim=8, width=128):
        super().__init__()
        self.z_dim = z_dim
        self.net_a = nn.Sequential(nn.Linear(z_dim, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                                   nn.Linear(width, 2))
        self.net_b = nn.Sequential(nn.Linear(2, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                                   nn.Linear(width, 1))

    def generate(self, z):
        return self.net_a(z)

    def discriminate(self, points):
        return self.net_b(points)

    def forward(self, z):
        return self.discriminate(self.generate(z))

    def sample(self, n):
        return self.generate(torch.randn(n, self.z_dim))


torch.manual_seed(0)
model = Adversarial()
criterion = nn.BCEWithLogitsLoss()
opt_a = torch.optim.Adam(model.net_a.parameters(), lr=1e-3, betas=(0.5, 0.999))
opt_b = torch.optim.Adam(model.net_b.parameters(), lr=1e-3, betas=(0.5, 0.999))
batch = 256

for it in range(1500):
    real = sample_ring(batch)
    with torch.no_grad():
        fake = model.sample(batch)
    d_real, d_fake = model.discriminate(real), model.discriminate(fake)
    loss_b = criterion(d_real, torch.ones(batch, 1)) + criterion(d_fake, torch.zeros(batch, 1))
    opt_b.zero_grad()
    loss_b.backward()
    opt_b.step()

    scores = model(torch.randn(batch, model.z_dim))
    loss_a = criterion(scores, torch.ones(batch, 1))
    opt_a.zero_grad()
    loss_a.backward()
    opt_a.step()
    if it % 150 == 0:
        print(f"it {it:5d}  D {loss_b.item():.3f}  G {loss_a.item():.3f}")

with torch.no_grad():
    pts = model.sample(2000)
    angles = torch.atan2(pts[:, 1], pts[:, 0])
    modes = torch.round(angles / (2 * math.pi / 8)).remainder(8).long()
    print("modes hit:", torch.bincount(modes, minlength=8).tolist(), "mean radius", pts.norm(dim=1).mean().item())
