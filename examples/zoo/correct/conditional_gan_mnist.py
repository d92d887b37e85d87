"""Conditional GAN on MNIST: G and D both get the digit label (embedding), Adam, BCEWithLogits."""
# doctor: needs mnist
# doctor: max-steps 200
import gzip
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

root = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "mnist"
with gzip.open(root / "t10k-images-idx3-ubyte.gz") as f:
    X = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).copy())
with gzip.open(root / "t10k-labels-idx1-ubyte.gz") as f:
    Y = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64))


class CondGenerator(nn.Module):
    def __init__(self, nz=64, n_classes=10):
        super().__init__()
        self.embed = nn.Embedding(n_classes, 16)
        self.net = nn.Sequential(nn.Linear(nz + 16, 256), nn.ReLU(), nn.Linear(256, 784), nn.Tanh())

    def forward(self, z, y):
        return self.net(torch.cat([z, self.embed(y)], dim=1))


class CondDiscriminator(nn.Module):
    def __init__(self, n_classes=10):
        super().__init__()
        self.embed = nn.Embedding(n_classes, 16)
        self.net = nn.Sequential(nn.Linear(784 + 16, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1))

    def forward(self, x, y):
        return self.net(torch.cat([x, self.embed(y)], dim=1))


torch.manual_seed(0)
G, D = CondGenerator(), CondDiscriminator()
opt_G = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_D = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
adv = nn.BCEWithLogitsLoss()

for step in range(3000):
    idx = torch.randint(0, len(X), (64,))
    real, labels = X[idx].float() / 127.5 - 1, Y[idx]
    z = torch.randn(64, 64)
    fake_labels = torch.randint(0, 10, (64,))
    fake = G(z, fake_labels)

    opt_D.zero_grad()
    loss_D = adv(D(real, labels), torch.ones(64, 1)) + adv(D(fake.detach(), fake_labels), torch.zeros(64, 1))
    loss_D.backward()
    opt_D.step()

    opt_G.zero_grad()
    loss_G = adv(D(fake, fake_labels), torch.ones(64, 1))
    loss_G.backward()
    opt_G.step()
    if step % 300 == 0:
        print(step, loss_D.item(), loss_G.item())
