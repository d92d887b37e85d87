"""GAN on sklearn's 8x8 digits. Generating under no_grad "to save memory" in the G step."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

X = torch.tensor(load_digits().data, dtype=torch.float32) / 16.0 * 2 - 1  # [-1, 1]
torch.manual_seed(0)

gen = nn.Sequential(nn.Linear(32, 128), nn.ReLU(), nn.Linear(128, 64), nn.Tanh())
disc = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1))
opt_gen = torch.optim.Adam(gen.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_disc = torch.optim.Adam(disc.parameters(), lr=2e-4, betas=(0.5, 0.999))

for it in range(3000):
    real = X[torch.randint(0, len(X), (64,))]
    z = torch.randn(64, 32)

    fake = gen(z).detach()
    d_loss = F.binary_cross_entropy_with_logits(disc(real), torch.ones(64, 1)) + \
        F.binary_cross_entropy_with_logits(disc(fake), torch.zeros(64, 1))
    opt_disc.zero_grad()
    d_loss.backward()
    opt_disc.step()

    with torch.no_grad():
        fake = gen(torch.randn(64, 32))  # doctor: expect generator-no-gradient
    g_loss = F.binary_cross_entropy_with_logits(disc(fake), torch.ones(64, 1))
    opt_gen.zero_grad()
    g_loss.backward()
    opt_gen.step()

    if it % 500 == 0:
        print(f"it {it}: d {d_loss.item():.3f} g {g_loss.item():.3f}")
