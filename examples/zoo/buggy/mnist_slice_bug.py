"""MNIST MLP GAN with manual batching; the slice forgot the batch index."""
# doctor: needs mnist
# doctor: max-steps 12
import gzip
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

path = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "mnist" / "t10k-images-idx3-ubyte.gz"
with gzip.open(path, "rb") as f:
    images = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 28 * 28)
images = torch.from_numpy(images.copy())  # uint8; scaled per batch below

torch.manual_seed(0)
gen = nn.Sequential(nn.Linear(100, 256), nn.LeakyReLU(0.2), nn.Linear(256, 784), nn.Tanh())
disc = nn.Sequential(nn.Linear(784, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1))
criterion = nn.BCEWithLogitsLoss()
g_opt = torch.optim.Adam(gen.parameters(), lr=2e-4, betas=(0.5, 0.999))
d_opt = torch.optim.Adam(disc.parameters(), lr=2e-4, betas=(0.5, 0.999))
BATCH = 64

for epoch in range(5):
    for i in range(len(images) // BATCH):
        real = images[0:BATCH].float() / 127.5 - 1.0  # doctor: expect repeated-real-batch
        noise = torch.randn(BATCH, 100)
        fake = gen(noise)

        d_opt.zero_grad()
        loss_d = criterion(disc(real), torch.ones(BATCH, 1)) + criterion(disc(fake.detach()), torch.zeros(BATCH, 1))
        loss_d.backward()
        d_opt.step()

        g_opt.zero_grad()
        loss_g = criterion(disc(fake), torch.ones(BATCH, 1))
        loss_g.backward()
        g_opt.step()
    print(epoch, loss_d.item(), loss_g.item())
