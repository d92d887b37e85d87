"""The founding MLP GAN done right: LeakyReLU, default init, logits + BCEWithLogits, label smoothing."""
# doctor: needs mnist
# doctor: max-steps 300
import gzip
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "mnist"
with gzip.open(DATA / "t10k-images-idx3-ubyte.gz", "rb") as f:
    images = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)
images = torch.from_numpy(images.astype(np.float32) / 255.0)

torch.manual_seed(1)
G = nn.Sequential(nn.Linear(100, 200), nn.LeakyReLU(0.2), nn.Linear(200, 784), nn.Sigmoid())
D = nn.Sequential(nn.Linear(784, 200), nn.LeakyReLU(0.2), nn.Linear(200, 1))
loss_fn = nn.BCEWithLogitsLoss()
opt_G = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_D = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
batch = 64

for step in range(3000):
    x = images[torch.randint(0, len(images), (batch,))]
    z = torch.rand(batch, 100) * 2 - 1
    fake = G(z)

    d_loss = loss_fn(D(x), torch.full((batch, 1), 0.9)) + loss_fn(D(fake.detach()), torch.zeros(batch, 1))
    opt_D.zero_grad()
    d_loss.backward()
    opt_D.step()

    g_loss = loss_fn(D(fake), torch.ones(batch, 1))
    opt_G.zero_grad()
    g_loss.backward()
    opt_G.step()
    if step % 300 == 0:
        print(step, d_loss.item(), g_loss.item())
