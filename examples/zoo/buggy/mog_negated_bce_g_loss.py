"""Ring GAN whose generator "maximises the discriminator's loss" by negating BCE on the fake label."""
import math

import torch
import torch.nn as nn

torch.manual_seed(0)
netG = nn.Sequential(nn.Linear(4, 64), nn.Tanh(), nn.Linear(64, 2))
netD = nn.Sequential(nn.Linear(2, 64), nn.Tanh(), nn.Linear(64, 1))
criterion = nn.BCEWithLogitsLoss()
optG = torch.optim.SGD(netG.parameters(), lr=0.05, momentum=0.5)
optD = torch.optim.SGD(netD.parameters(), lr=0.05, momentum=0.5)


def sample_real(n):
    a = torch.randint(0, 8, (n,)) * (2 * math.pi / 8)
    return torch.stack([a.cos(), a.sin()], 1) * 2 + 0.05 * torch.randn(n, 2)


for it in range(2000):
    real, noise = sample_real(100), torch.randn(100, 4)
    fake = netG(noise)
    optD.zero_grad()
    lossD = criterion(netD(real), torch.ones(100, 1)) + criterion(netD(fake.detach()), torch.zeros(100, 1))
    lossD.backward()
    optD.step()

    optG.zero_grad()
    lossG = -criterion(netD(fake), torch.zeros(100, 1))  # doctor: expect saturating-generator-loss
    lossG.backward()
    optG.step()
    if it % 200 == 0:
        print(it, lossD.item(), lossG.item())
