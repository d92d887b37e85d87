"""2-D ring GAN where the generator's optimizer was given both networks' parameters."""
import itertools
import math

import torch
import torch.nn as nn

torch.manual_seed(0)


def ring_batch(n):
    theta = torch.randint(0, 8, (n,)).float() * (math.pi / 4)
    return torch.stack([theta.cos(), theta.sin()], 1) * 2 + 0.05 * torch.randn(n, 2)


G = nn.Sequential(nn.Linear(4, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
D = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
bce = nn.BCEWithLogitsLoss()
opt_D = torch.optim.Adam(D.parameters(), lr=1e-3)
opt_G = torch.optim.Adam(itertools.chain(G.parameters(), D.parameters()), lr=1e-3)  # doctor: expect optimizer-wrong-parameters

for step in range(2000):
    real = ring_batch(128)
    fake = G(torch.randn(128, 4))
    opt_D.zero_grad()
    loss_D = bce(D(real), torch.ones(128, 1)) + bce(D(fake.detach()), torch.zeros(128, 1))
    loss_D.backward()
    opt_D.step()

    opt_G.zero_grad()
    loss_G = bce(D(fake), torch.ones(128, 1))
    loss_G.backward()
    opt_G.step()
    if step % 200 == 0:
        print(step, loss_D.item(), loss_G.item())
