"""Ring GAN with a least-squares loss; real and fake were given the same target."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
G = nn.Sequential(nn.Linear(4, 64), nn.ReLU(), nn.Linear(64, 2))
D = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 1))
g_optimizer = torch.optim.RMSprop(G.parameters(), lr=5e-4)
d_optimizer = torch.optim.RMSprop(D.parameters(), lr=5e-4)
ones = torch.ones(128, 1)

for it in range(2000):
    k = torch.randint(0, 8, (128,)).float()
    real = torch.stack([torch.cos(k * math.pi / 4), torch.sin(k * math.pi / 4)], 1) * 2 + 0.05 * torch.randn(128, 2)
    fake = G(torch.randn(128, 4))

    d_optimizer.zero_grad()
    d_loss = 0.5 * F.mse_loss(D(real), ones) + 0.5 * F.mse_loss(D(fake.detach()), ones)  # doctor: expect label-mismatch
    d_loss.backward()
    d_optimizer.step()

    g_optimizer.zero_grad()
    g_loss = 0.5 * F.mse_loss(D(fake), ones)
    g_loss.backward()
    g_optimizer.step()
    if it % 200 == 0:
        print(it, d_loss.item(), g_loss.item())
