"""Digits GAN whose discriminator sees real and fake in one concatenated batch.

Idiom: ``disc(torch.cat([real, fake.detach()]))`` against ``torch.cat([ones, zeros])`` in a single
BCE-with-logits call; the generator step calls ``disc(fake)`` on the fakes alone; uniform latent noise
from ``torch.distributions.Uniform(-1, 1)``; a DataLoader over a TensorDataset.
"""
# doctor: max-steps 300
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
data = torch.tensor(load_digits().data / 16.0 * 2 - 1, dtype=torch.float32)
loader = DataLoader(TensorDataset(data), batch_size=64, shuffle=True, drop_last=True)

latent = 24
gen = nn.Sequential(
    nn.Linear(latent, 128), nn.BatchNorm1d(128), nn.ReLU(),
    nn.Linear(128, 256), nn.BatchNorm1d(256), nn.ReLU(),
    nn.Linear(256, 64), nn.Tanh(),
)
disc = nn.Sequential(
    nn.Linear(64, 256), nn.LeakyReLU(0.2),
    nn.Linear(256, 128), nn.LeakyReLU(0.2),
    nn.Linear(128, 1),
)
g_opt = torch.optim.Adam(gen.parameters(), lr=2e-4, betas=(0.5, 0.999))
d_opt = torch.optim.Adam(disc.parameters(), lr=2e-4, betas=(0.5, 0.999))
noise = torch.distributions.Uniform(-1.0, 1.0)

for epoch in range(30):
    for (real,) in loader:
        n = real.size(0)
        ones, zeros = torch.ones(n, 1), torch.zeros(n, 1)
        fake = gen(noise.sample((n, latent)))

        d_opt.zero_grad()
        logits = disc(torch.cat([real, fake.detach()]))
        d_loss = F.binary_cross_entropy_with_logits(logits, torch.cat([ones, zeros]))
        d_loss.backward()
        d_opt.step()

        g_opt.zero_grad()
        g_loss = F.binary_cross_entropy_with_logits(disc(fake), ones)
        g_loss.backward()
        g_opt.step()

    if epoch % 4 == 0:
        acc = ((logits > 0).float() == torch.cat([ones, zeros])).float().mean()
        print(f"epoch {epoch:2d}  d_loss {d_loss.item():.3f}  g_loss {g_loss.item():.3f}  D acc {acc.item():.2f}")
