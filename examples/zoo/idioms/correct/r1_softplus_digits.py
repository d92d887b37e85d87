"""Digits GAN with the non-saturating softplus loss and an R1 penalty on the real images.

Idiom: reals that require grad (``real.requires_grad_(True)``) so that
``torch.autograd.grad(d_real.sum(), real, create_graph=True)`` gives the R1 term; losses written as
``F.softplus(-d_real)`` / ``F.softplus(d_fake)``; image-shaped (B, 1, 8, 8) data and a small conv D.
"""
# doctor: max-steps 300
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)
imgs = torch.tensor(load_digits().data, dtype=torch.float32).view(-1, 1, 8, 8) / 8.0 - 1.0


class G(nn.Module):
    def __init__(self, z_dim=32):
        super().__init__()
        self.fc = nn.Linear(z_dim, 32 * 4 * 4)
        self.up = nn.Sequential(
            nn.Upsample(scale_factor=2),
            nn.Conv2d(32, 16, 3, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(16, 1, 3, padding=1), nn.Tanh(),
        )

    def forward(self, z):
        return self.up(F.leaky_relu(self.fc(z), 0.2).view(-1, 32, 4, 4))


class D(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(16, 32, 4, stride=2, padding=1), nn.LeakyReLU(0.2),  # 4x4
        )
        self.fc = nn.Linear(32 * 4 * 4, 1)

    def forward(self, x):
        return self.fc(self.conv(x).flatten(1))


g_net, d_net = G(), D()
g_optim = torch.optim.Adam(g_net.parameters(), lr=2e-4, betas=(0.0, 0.99))
d_optim = torch.optim.Adam(d_net.parameters(), lr=2e-4, betas=(0.0, 0.99))
gamma, bs, z_dim = 1.0, 64, 32

for step in range(400):
    real = imgs[torch.randint(0, len(imgs), (bs,))]
    real.requires_grad_(True)
    fake = g_net(torch.randn(bs, z_dim))

    d_real = d_net(real)
    d_fake = d_net(fake.detach())
    grad_real, = torch.autograd.grad(d_real.sum(), real, create_graph=True)
    r1 = grad_real.pow(2).flatten(1).sum(1).mean()
    d_loss = F.softplus(-d_real).mean() + F.softplus(d_fake).mean() + 0.5 * gamma * r1
    d_optim.zero_grad(set_to_none=True)
    d_loss.backward()
    d_optim.step()

    g_loss = F.softplus(-d_net(fake)).mean()
    g_optim.zero_grad(set_to_none=True)
    g_loss.backward()
    g_optim.step()

    if step % 100 == 0:
        print(f"{step:4d} d_loss {d_loss.item():.3f} g_loss {g_loss.item():.3f} r1 {r1.item():.3f}")
