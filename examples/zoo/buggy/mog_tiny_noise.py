"""Ring GAN whose latent noise was scaled down "for stability": G maps everything to one point."""
# doctor: max-steps 400
import math

import torch
import torch.nn as nn

noise_std = 0.01
torch.manual_seed(0)
generator = nn.Sequential(nn.Linear(4, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
discriminator = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
criterion = nn.BCEWithLogitsLoss()
g_opt = torch.optim.Adam(generator.parameters(), lr=1e-3, betas=(0.5, 0.999))
d_opt = torch.optim.Adam(discriminator.parameters(), lr=1e-3, betas=(0.5, 0.999))

for step in range(2000):
    k = torch.randint(0, 8, (128,)).float() * (2 * math.pi / 8)
    real = 2 * torch.stack([torch.cos(k), torch.sin(k)], 1) + 0.05 * torch.randn(128, 2)
    fake = generator(torch.randn(128, 4) * noise_std)  # doctor: expect mode-collapse

    d_opt.zero_grad()
    d_loss = criterion(discriminator(real), torch.ones(128, 1)) + criterion(discriminator(fake.detach()), torch.zeros(128, 1))
    d_loss.backward()
    d_opt.step()

    g_opt.zero_grad()
    g_loss = criterion(discriminator(fake), torch.ones(128, 1))
    g_loss.backward()
    g_opt.step()
    if step % 200 == 0:
        print(step, d_loss.item(), g_loss.item())
