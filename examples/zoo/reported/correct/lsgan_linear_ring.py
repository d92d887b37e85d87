"""Least-squares GAN on a ring of 8 Gaussians: ``nn.MSELoss()`` against 1 (real) and 0 (fake) on the
discriminator's linear output, as in the LSGAN paper."""
# doctor: max-steps 400
import numpy as np
import torch
import torch.nn as nn

np.random.seed(0)
torch.manual_seed(0)


def real_batch(n, modes=8, radius=2.0, std=0.05):
    angles = np.random.randint(modes, size=n) * (2 * np.pi / modes)
    pts = np.c_[np.cos(angles), np.sin(angles)] * radius + np.random.randn(n, 2) * std
    return torch.tensor(pts, dtype=torch.float32)


netG = nn.Sequential(
    nn.Linear(2, 128), nn.ReLU(),
    nn.Linear(128, 128), nn.ReLU(),
    nn.Linear(128, 2),
)
netD = nn.Sequential(
    nn.Linear(2, 128), nn.LeakyReLU(0.2),
    nn.Linear(128, 128), nn.LeakyReLU(0.2),
    nn.Linear(128, 1),
)
criterion = nn.MSELoss()
optimizerD = torch.optim.Adam(netD.parameters(), lr=1e-3, betas=(0.5, 0.999))
optimizerG = torch.optim.Adam(netG.parameters(), lr=1e-3, betas=(0.5, 0.999))
batch_size = 256
real_label = torch.ones(batch_size, 1)
fake_label = torch.zeros(batch_size, 1)

for step in range(1200):
    real = real_batch(batch_size)
    fake = netG(torch.randn(batch_size, 2))

    optimizerD.zero_grad()
    lossD = 0.5 * criterion(netD(real), real_label) + 0.5 * criterion(netD(fake.detach()), fake_label)
    lossD.backward()
    optimizerD.step()

    optimizerG.zero_grad()
    lossG = 0.5 * criterion(netD(fake), real_label)
    lossG.backward()
    optimizerG.step()

    if step % 400 == 0:
        print(f"step {step:4d}  lossD {lossD.item():.4f}  lossG {lossG.item():.4f}")
