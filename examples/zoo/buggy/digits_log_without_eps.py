"""Digits GAN with the minimax loss written out with torch.log and no epsilon; D learns fast."""
# doctor: max-steps 900
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

X = torch.tensor(load_digits().data, dtype=torch.float32) / 8.0 - 1.0
torch.manual_seed(0)
G = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 64), nn.Tanh())
D = nn.Sequential(nn.Linear(64, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1), nn.Sigmoid())
opt_G = torch.optim.Adam(G.parameters(), lr=1e-4, betas=(0.5, 0.999))
opt_D = torch.optim.Adam(D.parameters(), lr=1e-2, betas=(0.5, 0.999))

for step in range(3000):
    real = X[torch.randint(0, len(X), (64,))]
    fake = G(torch.randn(64, 16))
    opt_D.zero_grad()
    d_loss = -(torch.log(D(real)) + torch.log(1 - D(fake.detach()))).mean()  # doctor: expect non-finite-loss
    d_loss.backward()
    opt_D.step()

    opt_G.zero_grad()
    g_loss = -torch.log(D(fake)).mean()
    g_loss.backward()
    opt_G.step()
    if step % 100 == 0:
        print(step, d_loss.item(), g_loss.item())
