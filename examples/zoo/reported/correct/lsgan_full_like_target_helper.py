"""LSGAN on the 8x8 digits (as 1x8x8 images) with a loss helper: ``lsgan_loss(pred, value)`` compares
D's (B, 1) scores with ``torch.full_like(pred, value)``, a target of the same shape."""
# doctor: max-steps 300
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
imgs = torch.tensor(load_digits().data / 8.0 - 1.0, dtype=torch.float32).view(-1, 1, 8, 8)
loader = DataLoader(TensorDataset(imgs), batch_size=64, shuffle=True, drop_last=True)
NZ = 16


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(NZ, 32 * 4 * 4)
        self.up = nn.Sequential(
            nn.BatchNorm2d(32), nn.ReLU(),
            nn.ConvTranspose2d(32, 16, 4, 2, 1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 1, 3, 1, 1), nn.Tanh(),
        )

    def forward(self, z):
        return self.up(self.fc(z).view(-1, 32, 4, 4))


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 16, 3, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(16, 32, 3, 2, 1), nn.LeakyReLU(0.2),
        )
        self.fc = nn.Linear(32 * 2 * 2, 1)

    def forward(self, x):
        return self.fc(self.conv(x).flatten(1))


def lsgan_loss(pred, value):
    return F.mse_loss(pred, torch.full_like(pred, value))


netG, netD = Generator(), Discriminator()
optG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
optD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))

for epoch in range(6):
    for (real,) in loader:
        fake = netG(torch.randn(real.size(0), NZ))
        optD.zero_grad()
        errD = 0.5 * (lsgan_loss(netD(real), 1.0) + lsgan_loss(netD(fake.detach()), 0.0))
        errD.backward()
        optD.step()

        optG.zero_grad()
        errG = 0.5 * lsgan_loss(netD(fake), 1.0)
        errG.backward()
        optG.step()
    print(f"epoch {epoch}: errD {errD.item():.4f}  errG {errG.item():.4f}")
