"""Ring-of-Gaussians GAN written from memory; nobody clears the discriminator's gradients."""
import math

import torch
import torch.nn as nn


class Critic(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1, self.l2, self.l3 = nn.Linear(2, 64), nn.Linear(64, 64), nn.Linear(64, 1)

    def forward(self, x):
        return self.l3(torch.relu(self.l2(torch.relu(self.l1(x)))))


class Gen(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1, self.l2, self.l3 = nn.Linear(4, 64), nn.Linear(64, 64), nn.Linear(64, 2)

    def forward(self, z):
        return self.l3(torch.relu(self.l2(torch.relu(self.l1(z)))))


def real_points(n):
    k = torch.randint(0, 8, (n,))
    ang = 2 * math.pi * k / 8
    return torch.stack((2 * torch.cos(ang), 2 * torch.sin(ang)), 1) + 0.02 * torch.randn(n, 2)


torch.manual_seed(0)
gen, critic = Gen(), Critic()
g_opt = torch.optim.Adam(gen.parameters(), lr=1e-3, betas=(0.5, 0.999))
d_opt = torch.optim.Adam(critic.parameters(), lr=1e-3, betas=(0.5, 0.999))
loss = nn.BCEWithLogitsLoss()

for it in range(2000):
    x = real_points(256)
    z = torch.randn(256, 4)
    d_loss = loss(critic(x), torch.ones(256, 1)) + loss(critic(gen(z).detach()), torch.zeros(256, 1))
    d_loss.backward()  # doctor: expect missing-zero-grad
    d_opt.step()

    g_opt.zero_grad()
    g_loss = loss(critic(gen(z)), torch.ones(256, 1))
    g_loss.backward()
    g_opt.step()
    if it % 200 == 0:
        print(it, d_loss.item(), g_loss.item())
