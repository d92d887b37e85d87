"""Ring GAN where D got a big learning rate and five steps per generator step."""
# doctor: max-steps 300
import math

import torch
import torch.nn as nn

torch.manual_seed(0)
G = nn.Sequential(nn.Linear(4, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
D = nn.Sequential(nn.Linear(2, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 1))
bce = nn.BCEWithLogitsLoss()
optimizer_G = torch.optim.Adam(G.parameters(), lr=1e-5, betas=(0.5, 0.999))
optimizer_D = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))  # doctor: expect discriminator-overpowering
n_critic = 5


def sample_data(n):
    k = torch.randint(0, 8, (n,)).float()
    return torch.stack([torch.cos(k * math.pi / 4), torch.sin(k * math.pi / 4)], 1) * 2 + 0.05 * torch.randn(n, 2)


for it in range(1000):
    for _ in range(n_critic):
        real = sample_data(128)
        fake = G(torch.randn(128, 4))
        optimizer_D.zero_grad()
        loss_D = bce(D(real), torch.ones(128, 1)) + bce(D(fake.detach()), torch.zeros(128, 1))
        loss_D.backward()
        optimizer_D.step()

    optimizer_G.zero_grad()
    loss_G = bce(D(G(torch.randn(128, 4))), torch.ones(128, 1))
    loss_G.backward()
    optimizer_G.step()
    if it % 100 == 0:
        print(it, loss_D.item(), loss_G.item())
