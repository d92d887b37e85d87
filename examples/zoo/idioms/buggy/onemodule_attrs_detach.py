"""Idiom: G and D as attributes of one nn.Module, with the G step scoring a detached fake.

Many tutorials and research repos keep both networks in a single container module so that one
``state_dict()`` saves the whole model. The optimizers are built over the sub-modules' parameters.
"""
# doctor: max-steps 20
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

LATENT = 24
digits = torch.tensor(load_digits().data, dtype=torch.float32) / 8.0 - 1.0  # [-1, 1]
loader = DataLoader(TensorDataset(digits), batch_size=64, shuffle=True, drop_last=True)
torch.manual_seed(0)


class GAN(nn.Module):
    def __init__(self, latent_dim=LATENT, hidden=128):
        super().__init__()
        self.generator = nn.Sequential(
            nn.Linear(latent_dim, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
            nn.Linear(hidden, 64), nn.Tanh(),
        )
        self.discriminator = nn.Sequential(
            nn.Linear(64, hidden), nn.LeakyReLU(0.2),
            nn.Linear(hidden, hidden), nn.LeakyReLU(0.2),
            nn.Linear(hidden, 1),
        )


gan = GAN()
opt_gen = torch.optim.Adam(gan.generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_disc = torch.optim.Adam(gan.discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))

for epoch in range(60):
    for (x,) in loader:
        n = x.size(0)
        z = torch.randn(n, LATENT)
        x_fake = gan.generator(z)

        real_logits = gan.discriminator(x)
        fake_logits = gan.discriminator(x_fake.detach())
        loss_disc = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits)) + \
            F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        opt_disc.zero_grad()
        loss_disc.backward()
        opt_disc.step()

        gen_logits = gan.discriminator(x_fake.detach())  # doctor: expect generator-no-gradient
        loss_gen = F.binary_cross_entropy_with_logits(gen_logits, torch.ones_like(gen_logits))
        opt_gen.zero_grad()
        loss_gen.backward()
        opt_gen.step()
    if epoch % 5 == 0:
        print(f"epoch {epoch:3d}  loss_disc {loss_disc.item():.3f}  loss_gen {loss_gen.item():.3f}")
