"""Digits GAN: the generator's loss is backpropagated, but its optimizer step was lost in a refactor."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

X = torch.tensor(load_digits().data, dtype=torch.float32) / 8.0 - 1.0
torch.manual_seed(0)

gen = nn.Sequential(nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 64), nn.Tanh())
disc = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1))
gen_optim = torch.optim.Adam(gen.parameters(), lr=2e-4, betas=(0.5, 0.999))  # doctor: expect optimizer-never-steps
disc_optim = torch.optim.Adam(disc.parameters(), lr=2e-4, betas=(0.5, 0.999))


def d_step(real, fake):
    disc_optim.zero_grad()
    loss = F.binary_cross_entropy_with_logits(disc(real), torch.ones(len(real), 1)) + \
        F.binary_cross_entropy_with_logits(disc(fake.detach()), torch.zeros(len(fake), 1))
    loss.backward()
    disc_optim.step()
    return loss.item()


def g_step(fake):
    gen_optim.zero_grad()
    loss = F.binary_cross_entropy_with_logits(disc(fake), torch.ones(len(fake), 1))
    loss.backward()
    return loss.item()


for it in range(3000):
    real = X[torch.randint(0, len(X), (64,))]
    fake = gen(torch.randn(64, 16))
    ld = d_step(real, fake)
    lg = g_step(fake)
    if it % 300 == 0:
        print(it, ld, lg)
