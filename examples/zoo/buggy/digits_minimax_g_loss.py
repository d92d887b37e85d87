"""Digits GAN with the generator loss straight from the 2014 paper: minimise log(1 - D(G(z)))."""
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

X = torch.tensor(load_digits().data, dtype=torch.float32) / 8.0 - 1.0
torch.manual_seed(0)
G = nn.Sequential(nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 64), nn.Tanh())
D = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1), nn.Sigmoid())
optimizer_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
optimizer_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
eps = 1e-8

for step in range(3000):
    real = X[torch.randint(0, len(X), (64,))]
    fake = G(torch.randn(64, 16))
    optimizer_d.zero_grad()
    loss_d = -(torch.log(D(real) + eps) + torch.log(1 - D(fake.detach()) + eps)).mean()
    loss_d.backward()
    optimizer_d.step()

    optimizer_g.zero_grad()
    loss_g = torch.log(1 - D(fake) + eps).mean()  # doctor: expect saturating-generator-loss
    loss_g.backward()
    optimizer_g.step()
    if step % 300 == 0:
        print(step, loss_d.item(), loss_g.item())
