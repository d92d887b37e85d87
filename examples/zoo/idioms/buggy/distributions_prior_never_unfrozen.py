"""Digits GAN with a ``torch.distributions.Normal`` prior; D is frozen for the generator step and never unfrozen."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)
X = torch.tensor(load_digits().data, dtype=torch.float32) / 8.0 - 1.0


class GAN(nn.Module):
    def __init__(self, nz=32, hidden=256):
        super().__init__()
        self.nz = nz
        self.generator = nn.Sequential(
            nn.Linear(nz, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
            nn.Linear(hidden, 64), nn.Tanh(),
        )
        self.discriminator = nn.Sequential(
            nn.Linear(64, hidden), nn.LeakyReLU(0.2),
            nn.Linear(hidden, 1),
        )
        self.prior = torch.distributions.Normal(0.0, 1.0)

    def sample(self, n):
        return self.generator(self.prior.sample((n, self.nz)))


model = GAN()
opt_g = torch.optim.Adam(model.generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(model.discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
batch = 64

for it in range(1000):
    real = X[torch.randint(0, len(X), (batch,))]

    opt_d.zero_grad()
    d_real = model.discriminator(real)
    d_fake = model.discriminator(model.sample(batch))
    loss_d = F.binary_cross_entropy_with_logits(d_real, torch.ones_like(d_real)) + \
        F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake))
    loss_d.backward()
    opt_d.step()

    for p in model.discriminator.parameters():
        p.requires_grad_(False)  # doctor: expect discriminator-frozen
    opt_g.zero_grad()
    d_gen = model.discriminator(model.sample(batch))
    loss_g = F.binary_cross_entropy_with_logits(d_gen, torch.ones_like(d_gen))
    loss_g.backward()
    opt_g.step()

    if it % 100 == 0:
        print(f"it {it:4d}  loss_d {loss_d.item():.3f}  loss_g {loss_g.item():.3f}  "
              f"D(x) {torch.sigmoid(d_real).mean().item():.2f}  D(G(z)) {torch.sigmoid(d_fake).mean().item():.2f}")
