"""DCGAN on 64x64 cat faces, second attempt: the detach is gone.

Runs at 32x32 with fewer channels so it trains on a laptop CPU; the structure is the
same: G and D of similar size, BCE loss, Adam(2e-4, 0.5).
"""
# doctor: needs cats64
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
from PIL import Image
from torch.utils.data import DataLoader, Dataset

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "cats64"
nz, ngf, ndf, nc = 64, 16, 16, 3
batch_size = 32
epochs = 5


class CatFaces(Dataset):
    def __init__(self, root, limit=512):
        self.files = sorted(root.glob("*.jpg"))[:limit]

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        img = Image.open(self.files[i]).convert("RGB").resize((32, 32))
        arr = np.asarray(img, dtype=np.float32)
        return torch.from_numpy(arr).permute(2, 0, 1) / 255.0  # doctor: expect data-range-mismatch


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 4),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False),
            nn.Tanh(),
        )

    def forward(self, z):
        return self.main(z)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 4),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 4, 1, 4, 1, 0, bias=False),
            nn.Sigmoid(),
        )

    def forward(self, x):
        return self.main(x).view(-1)


def weights_init(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


torch.manual_seed(0)
loader = DataLoader(CatFaces(DATA), batch_size=batch_size, shuffle=True, drop_last=True)
netG, netD = Generator(), Discriminator()
netG.apply(weights_init)
netD.apply(weights_init)
criterion = nn.BCELoss()
optimizerD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
optimizerG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))

for epoch in range(epochs):
    for i, real_img in enumerate(loader):
        b = real_img.size(0)
        real_label = torch.ones(b)
        fake_label = torch.zeros(b)

        # (1) update D: maximize log(D(x)) + log(1 - D(G(z)))
        netD.zero_grad()
        errD_real = criterion(netD(real_img), real_label)
        noise = torch.randn(b, nz, 1, 1)
        fake_img = netG(noise)
        errD_fake = criterion(netD(fake_img.detach()), fake_label)
        errD = errD_real + errD_fake
        errD.backward()
        optimizerD.step()

        # (2) update G: maximize log(D(G(z)))
        netG.zero_grad()
        output = netD(fake_img)
        errG = criterion(output, real_label)
        errG.backward()
        optimizerG.step()

        if i % 5 == 0:
            print(f"[{epoch}/{epochs}][{i}/{len(loader)}] Loss_D {errD.item():.4f} Loss_G {errG.item():.4f}")
