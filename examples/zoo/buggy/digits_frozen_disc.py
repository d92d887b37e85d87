"""Digits GAN that freezes D for the generator step... and never unfreezes it."""
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

data = torch.tensor(load_digits().data, dtype=torch.float32) / 8.0 - 1.0
loader = DataLoader(TensorDataset(data), batch_size=64, shuffle=True, drop_last=True)
torch.manual_seed(0)


class Gen(nn.Module):
    def __init__(self, nz=16):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(nz, 128), nn.ReLU(), nn.Linear(128, 64), nn.Tanh())

    def forward(self, z):
        return self.net(z)


class Disc(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1), nn.Sigmoid())

    def forward(self, x):
        return self.net(x)


G, D = Gen(), Disc()
bce = nn.BCELoss()
optG = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
optD = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))

for epoch in range(50):
    for (real,) in loader:
        b = real.size(0)
        optD.zero_grad()
        fake = G(torch.randn(b, 16))
        lossD = bce(D(real), torch.ones(b, 1)) + bce(D(fake), torch.zeros(b, 1))
        lossD.backward()
        optD.step()

        for p in D.parameters():
            p.requires_grad = False  # doctor: expect discriminator-frozen
        optG.zero_grad()
        lossG = bce(D(G(torch.randn(b, 16))), torch.ones(b, 1))
        lossG.backward()
        optG.step()
    print(f"epoch {epoch} lossD {lossD.item():.3f} lossG {lossG.item():.3f}")
