"""Ring GAN that draws its noise batch once, "to make runs comparable"."""
# doctor: max-steps 12
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
latent_dim, batch_size = 4, 128

generator = nn.Sequential(nn.Linear(latent_dim, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
discriminator = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
opt_g = torch.optim.Adam(generator.parameters(), lr=1e-3, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(discriminator.parameters(), lr=1e-3, betas=(0.5, 0.999))
z = torch.randn(batch_size, latent_dim)  # doctor: expect generator-input-constant


def real_batch(n):
    k = torch.randint(0, 8, (n,)).float() * (math.pi / 4)
    return 2 * torch.stack([k.cos(), k.sin()], dim=1) + 0.05 * torch.randn(n, 2)


for step in range(3000):
    x = real_batch(batch_size)
    fake = generator(z)

    opt_d.zero_grad()
    d_loss = F.binary_cross_entropy_with_logits(discriminator(x), torch.ones(batch_size, 1)) + \
        F.binary_cross_entropy_with_logits(discriminator(fake.detach()), torch.zeros(batch_size, 1))
    d_loss.backward()
    opt_d.step()

    opt_g.zero_grad()
    g_loss = F.binary_cross_entropy_with_logits(discriminator(fake), torch.ones(batch_size, 1))
    g_loss.backward()
    opt_g.step()
    if step % 300 == 0:
        print(step, d_loss.item(), g_loss.item())
