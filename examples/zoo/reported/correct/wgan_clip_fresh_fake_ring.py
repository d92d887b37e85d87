"""WGAN with weight clipping on a ring of 8 Gaussians, 5 critic iterations per generator step.

The critic scores ``netG(noise).detach()``; the generator step draws a fresh batch of fakes.
"""
# doctor: max-steps 300
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
np.random.seed(0)
nz, batch_size, n_critic, clip_value = 2, 128, 5, 0.05

angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
centers = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def get_batch(n):
    return torch.tensor(centers[np.random.randint(0, 8, n)] + 0.05 * np.random.randn(n, 2), dtype=torch.float32)


netG = nn.Sequential(nn.Linear(nz, 128), nn.ReLU(True), nn.Linear(128, 128), nn.ReLU(True), nn.Linear(128, 2))
netD = nn.Sequential(nn.Linear(2, 128), nn.ReLU(True), nn.Linear(128, 128), nn.ReLU(True), nn.Linear(128, 1))
optimizerD = torch.optim.RMSprop(netD.parameters(), lr=5e-4)
optimizerG = torch.optim.RMSprop(netG.parameters(), lr=5e-4)

for gen_iter in range(500):
    # (1) update the critic n_critic times
    for _ in range(n_critic):
        real = get_batch(batch_size)
        noise = torch.randn(batch_size, nz)
        fake = netG(noise).detach()
        optimizerD.zero_grad()
        errD = netD(fake).mean() - netD(real).mean()
        errD.backward()
        optimizerD.step()
        for p in netD.parameters():
            p.data.clamp_(-clip_value, clip_value)

    # (2) update the generator
    optimizerG.zero_grad()
    fake = netG(torch.randn(batch_size, nz))
    errG = -netD(fake).mean()
    errG.backward()
    optimizerG.step()

    if gen_iter % 100 == 0:
        print(f"[{gen_iter}] Loss_D {errD.item():.4f}  Loss_G {errG.item():.4f}")
