"""Ring GAN with numpy data and noise; a copy-pasted line gives the fakes the real target in D's step."""
import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(0)
np.random.seed(0)
torch.manual_seed(0)

angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
centers = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def sample_ring(n):
    which = rng.integers(0, len(centers), size=n)
    return centers[which] + 0.05 * rng.standard_normal((n, 2))


class Generator(nn.Module):
    def __init__(self, nz=8, hidden=128):
        super().__init__()
        self.fc1 = nn.Linear(nz, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, 2)

    def forward(self, z):
        h = torch.relu(self.fc1(z))
        h = torch.relu(self.fc2(h))
        return self.out(h)


class Discriminator(nn.Module):
    def __init__(self, hidden=128):
        super().__init__()
        self.fc1 = nn.Linear(2, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        h = nn.functional.leaky_relu(self.fc1(x), 0.2)
        h = nn.functional.leaky_relu(self.fc2(h), 0.2)
        return self.out(h)


nz, bs = 8, 256
gen, disc = Generator(nz), Discriminator()
opt_gen = torch.optim.Adam(gen.parameters(), lr=1e-3, betas=(0.5, 0.999))
opt_disc = torch.optim.Adam(disc.parameters(), lr=1e-3, betas=(0.5, 0.999))
criterion = nn.BCEWithLogitsLoss()
y_real = torch.ones(bs, 1)
y_fake = torch.zeros(bs, 1)

for step in range(1200):
    x = torch.from_numpy(sample_ring(bs)).float()
    z = torch.from_numpy(np.random.randn(bs, nz)).float()
    fake = gen(z)

    opt_disc.zero_grad()
    loss_real = criterion(disc(x), y_real)
    loss_fake = criterion(disc(fake.detach()), y_real)  # doctor: expect label-mismatch
    loss_disc = loss_real + loss_fake
    loss_disc.backward()
    opt_disc.step()

    z_np = rng.standard_normal((bs, nz))
    z = torch.tensor(z_np, dtype=torch.float32)
    opt_gen.zero_grad()
    loss_gen = criterion(disc(gen(z)), y_real)
    loss_gen.backward()
    opt_gen.step()

    if step % 150 == 0:
        print(f"step {step:4d}  loss_D {loss_disc.item():.3f}  loss_G {loss_gen.item():.3f}")
