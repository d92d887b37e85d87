"""Idiom: the original WGAN recipe with weight clipping; D is frozen for the G step and never unfrozen.

DCGAN-style conv G and critic; RMSprop(5e-5) for both; the critic ends in a bare conv (linear score,
no sigmoid, averaged over the batch) and its weights are clamped to [-0.01, 0.01] after every critic
step; 100 critic iterations per generator iteration for the first 25 generator iterations and every
500th, 5 otherwise. D's requires_grad is switched off for the generator update "to avoid
computation" and never switched back on. The critic step does not detach the
fake: the stray gradient it leaves in G is cleared by netG.zero_grad() before the G step. The first
generator step comes after 100 critic steps.
"""
# doctor: max-steps 250
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
nz, bs, clamp_lower, clamp_upper = 32, 64, -0.01, 0.01
dataset = TensorDataset(torch.tensor(load_digits().data, dtype=torch.float32).view(-1, 1, 8, 8) / 8.0 - 1.0)
dataloader = DataLoader(dataset, batch_size=bs, shuffle=True, drop_last=True)


def inf_data():
    while True:
        for (images,) in dataloader:
            yield images


class DCGAN_G(nn.Module):
    def __init__(self, nz, ngf=32):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 2, 2, 1, 0, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
            nn.ConvTranspose2d(ngf, 1, 4, 2, 1, bias=False), nn.Tanh())

    def forward(self, z):
        return self.main(z.view(z.size(0), -1, 1, 1))


class DCGAN_D(nn.Module):
    def __init__(self, ndf=32):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(1, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, 1, 2, 1, 0, bias=False))

    def forward(self, x):
        return self.main(x).mean(0).view(1)


netG, netD = DCGAN_G(nz), DCGAN_D()
optimizerD = torch.optim.RMSprop(netD.parameters(), lr=5e-5)
optimizerG = torch.optim.RMSprop(netG.parameters(), lr=5e-5)
data = inf_data()
gen_iterations = 0

while gen_iterations < 400:
    ############################
    # (1) Update D network
    ############################
    Diters = 100 if gen_iterations < 25 or gen_iterations % 500 == 0 else 5
    for _ in range(Diters):
        real = next(data)
        netD.zero_grad()
        errD_real = netD(real)
        fake = netG(torch.randn(bs, nz))
        errD_fake = netD(fake)
        errD = errD_fake - errD_real
        errD.backward()
        optimizerD.step()
        for p in netD.parameters():
            p.data.clamp_(clamp_lower, clamp_upper)

    ############################
    # (2) Update G network
    ############################
    for p in netD.parameters():
        p.requires_grad = False  # to avoid computation  # doctor: expect discriminator-frozen
    netG.zero_grad()
    errG = -netD(netG(torch.randn(bs, nz)))
    errG.backward()
    optimizerG.step()
    gen_iterations += 1

    if gen_iterations % 50 == 0 or gen_iterations in (1, 10, 25):
        with torch.no_grad():
            sample = netG(torch.randn(512, nz))
        print(f"[{gen_iterations:4d}] Loss_D {errD.item():+.5f} Loss_G {errG.item():+.5f} "
              f"Loss_D_real {errD_real.item():+.5f} Loss_D_fake {errD_fake.item():+.5f} "
              f"fake mean {sample.mean().item():+.2f} std {sample.std().item():.2f}")
