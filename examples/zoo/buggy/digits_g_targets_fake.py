"""Digits GAN where the generator is trained toward the 'fake' label."""
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

REAL, FAKE = 1.0, 0.0
ds = TensorDataset(torch.tensor(load_digits().data, dtype=torch.float32) / 8.0 - 1.0)
loader = DataLoader(ds, batch_size=64, shuffle=True, drop_last=True)
torch.manual_seed(0)

netG = nn.Sequential(nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 64), nn.Tanh())
netD = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1))
criterion = nn.BCEWithLogitsLoss()
optimizerD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
optimizerG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))

for epoch in range(100):
    for (real,) in loader:
        b = real.size(0)
        label = torch.full((b, 1), REAL)
        netD.zero_grad()
        errD_real = criterion(netD(real), label)
        errD_real.backward()
        fake = netG(torch.randn(b, 16))
        label.fill_(FAKE)
        errD_fake = criterion(netD(fake.detach()), label)
        errD_fake.backward()
        optimizerD.step()

        netG.zero_grad()
        errG = criterion(netD(fake), label)  # doctor: expect label-mismatch
        errG.backward()
        optimizerG.step()
    print(epoch, (errD_real + errD_fake).item(), errG.item())
