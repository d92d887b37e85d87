"""Digits GAN that freezes D during the G step and unfreezes it after; zero_grad(set_to_none=True)."""
# doctor: max-steps 300
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

data = torch.tensor(load_digits().data, dtype=torch.float32) / 8.0 - 1.0
torch.manual_seed(0)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(16, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Linear(128, 64), nn.Tanh())

    def forward(self, z):
        return self.body(z)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Dropout(0.3), nn.Linear(128, 1), nn.Sigmoid())

    def forward(self, x):
        return self.body(x)


def set_requires_grad(net, flag):
    for p in net.parameters():
        p.requires_grad_(flag)


netG, netD = Generator(), Discriminator()
criterion = nn.BCELoss()
optG = torch.optim.RMSprop(netG.parameters(), lr=2e-4)
optD = torch.optim.RMSprop(netD.parameters(), lr=2e-4)

for it in range(3000):
    real = data[torch.randperm(len(data))[:64]]
    fake = netG(torch.randn(64, 16))

    set_requires_grad(netD, True)
    optD.zero_grad(set_to_none=True)
    lossD = criterion(netD(real), torch.ones(64, 1)) + criterion(netD(fake.detach()), torch.zeros(64, 1))
    lossD.backward()
    optD.step()

    set_requires_grad(netD, False)
    optG.zero_grad(set_to_none=True)
    lossG = criterion(netD(fake), torch.ones(64, 1))
    lossG.backward()
    optG.step()
    if it % 300 == 0:
        print(it, lossD.item(), lossG.item())
