"""MNIST GAN whose data is standardised per pixel, like sklearn's StandardScaler."""
# doctor: needs mnist
import gzip
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

f = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "mnist" / "t10k-images-idx3-ubyte.gz"
x = torch.from_numpy(np.frombuffer(gzip.open(f).read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float32))
x = (x - x.mean(dim=0)) / x.std(dim=0)  # doctor: expect non-finite-loss

torch.manual_seed(0)
G = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 784))
D = nn.Sequential(nn.Linear(784, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1))
opt_G = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_D = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
loss = nn.BCEWithLogitsLoss()

for it in range(3000):
    real = x[torch.randint(0, len(x), (64,))]
    fake = G(torch.randn(64, 64))
    opt_D.zero_grad()
    loss_D = loss(D(real), torch.ones(64, 1)) + loss(D(fake.detach()), torch.zeros(64, 1))
    loss_D.backward()
    opt_D.step()
    opt_G.zero_grad()
    loss_G = loss(D(fake), torch.ones(64, 1))
    loss_G.backward()
    opt_G.step()
    if it % 300 == 0:
        print(it, loss_D.item(), loss_G.item())
