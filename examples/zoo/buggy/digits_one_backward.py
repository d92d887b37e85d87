"""Digits GAN "optimised" to one backward pass for both losses."""
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

X = torch.tensor(load_digits().data, dtype=torch.float32) / 8.0 - 1.0
torch.manual_seed(0)

G = nn.Sequential(nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 64), nn.Tanh())
D = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1), nn.Sigmoid())
bce = nn.BCELoss()
optG = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
optD = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))

for step in range(3000):
    real = X[torch.randint(0, len(X), (64,))]
    fake = G(torch.randn(64, 16))
    d_loss = bce(D(real), torch.ones(64, 1)) + bce(D(fake.detach()), torch.zeros(64, 1))
    g_loss = bce(D(fake), torch.ones(64, 1))

    optG.zero_grad()
    optD.zero_grad()
    (d_loss + g_loss).backward()  # doctor: expect discriminator-updated-by-generator-loss
    optD.step()
    optG.step()
    if step % 300 == 0:
        print(step, d_loss.item(), g_loss.item())
