"""Mixture-of-Gaussians GAN with raw-tensor MLPs. The G loss is "recomputed" from numbers."""
import math

import numpy as np
import torch


def sample_ring(n, modes=8, radius=2.0, std=0.05):
    k = torch.randint(0, modes, (n,))
    angle = k.float() * 2 * math.pi / modes
    centers = torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], dim=1)
    return centers + std * torch.randn(n, 2)


def mlp_params(sizes):
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params.append((torch.randn(n_in, n_out) * math.sqrt(2.0 / n_in)).requires_grad_())
        params.append(torch.zeros(n_out, requires_grad=True))
    return params


def mlp(x, params):
    for i in range(0, len(params), 2):
        x = x @ params[i] + params[i + 1]
        if i < len(params) - 2:
            x = torch.relu(x)
    return x


torch.manual_seed(0)
G_params = mlp_params([8, 64, 64, 2])
D_params = mlp_params([2, 64, 64, 1])
G_opt = torch.optim.Adam(G_params, lr=1e-3)
D_opt = torch.optim.Adam(D_params, lr=1e-3)

for step in range(2000):
    x = sample_ring(128)
    z = torch.randn(128, 8)

    d_real = torch.sigmoid(mlp(x, D_params))
    d_fake = torch.sigmoid(mlp(mlp(z, G_params).detach(), D_params))
    D_loss = -(torch.log(d_real + 1e-8) + torch.log(1 - d_fake + 1e-8)).mean()
    D_opt.zero_grad()
    D_loss.backward()
    D_opt.step()

    d_fake = torch.sigmoid(mlp(mlp(z, G_params), D_params))
    score = d_fake.mean().item()
    G_loss = torch.tensor(-np.log(score + 1e-8), requires_grad=True)  # doctor: expect generator-no-gradient
    G_opt.zero_grad()
    G_loss.backward()
    G_opt.step()

    if step % 250 == 0:
        print(step, D_loss.item(), G_loss.item())
