"""MNIST GAN with manual batching; pixels fed as raw 0..255 values while G ends in tanh."""
# doctor: needs mnist
import gzip
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

root = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "mnist"
with gzip.open(root / "t10k-images-idx3-ubyte.gz") as fh:
    pixels = np.frombuffer(fh.read(), np.uint8, offset=16).reshape(-1, 784)
train_x = torch.from_numpy(pixels.copy()).float()  # doctor: expect data-range-mismatch

torch.manual_seed(0)
netG = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 784), nn.Tanh())
netD = nn.Sequential(nn.Linear(784, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1))
criterion = nn.BCEWithLogitsLoss()
optimizerG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
optimizerD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
bs = 100

for epoch in range(3):
    perm = torch.randperm(len(train_x))
    for start in range(0, len(train_x), bs):
        real = train_x[perm[start:start + bs]]
        ones, zeros = torch.ones(len(real), 1), torch.zeros(len(real), 1)
        fake = netG(torch.randn(len(real), 64))

        optimizerD.zero_grad()
        errD = criterion(netD(real), ones) + criterion(netD(fake.detach()), zeros)
        errD.backward()
        optimizerD.step()

        optimizerG.zero_grad()
        errG = criterion(netD(fake), ones)
        errG.backward()
        optimizerG.step()
    print(epoch, errD.item(), errG.item())
