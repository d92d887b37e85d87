"""Idiom: nn.DataParallel around G and D (a no-op wrapper on a CPU machine, the same code on GPUs).

A ring of 8 Gaussians, `device = torch.device("cuda" if torch.cuda.is_available() else "cpu")`,
`.to(device)` everywhere, BCELoss on a sigmoid D with one-sided label smoothing (0.9).
"""
# doctor: max-steps 400
import math

import torch
import torch.nn as nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)


def sample_ring(n):
    angle = torch.randint(0, 8, (n,)).float() * (2 * math.pi / 8)
    return torch.stack([angle.cos(), angle.sin()], dim=1) * 2.0 + 0.05 * torch.randn(n, 2)


gen = nn.DataParallel(nn.Sequential(nn.Linear(8, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(),
                                    nn.Linear(128, 2))).to(device)
disc = nn.DataParallel(nn.Sequential(nn.Linear(2, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1),
                                     nn.Sigmoid())).to(device)
loss_fn = nn.BCELoss()
opt_gen = torch.optim.Adam(gen.parameters(), lr=1e-3, betas=(0.5, 0.999))
opt_disc = torch.optim.Adam(disc.parameters(), lr=1e-3, betas=(0.5, 0.999))

for it in range(3000):
    real = sample_ring(256).to(device)
    noise = torch.randn(256, 8, device=device)
    fake = gen(noise)

    opt_disc.zero_grad()
    loss_d = loss_fn(disc(real), torch.full((256, 1), 0.9, device=device)) + \
        loss_fn(disc(fake.detach()), torch.zeros(256, 1, device=device))
    loss_d.backward()
    opt_disc.step()

    opt_gen.zero_grad()
    loss_g = loss_fn(disc(fake), torch.ones(256, 1, device=device))
    loss_g.backward()
    opt_gen.step()
    if it % 500 == 0:
        print(f"it {it} loss_d {loss_d.item():.3f} loss_g {loss_g.item():.3f}")
