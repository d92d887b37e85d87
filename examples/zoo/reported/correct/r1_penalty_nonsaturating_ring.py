"""Non-saturating GAN on a ring of 8 Gaussians with an R1 penalty on the reals (as in StyleGAN): the
penalty is a gradient of D's output with respect to real data only, summed over each sample's
coordinates; no interpolates, no Wasserstein loss.
"""
# doctor: max-steps 400
import math

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(2)
gamma, batch = 1.0, 256


def real_batch(n):
    k = torch.randint(0, 8, (n,)).float() * (math.pi / 4)
    return torch.stack([k.cos(), k.sin()], 1) * 2 + 0.02 * torch.randn(n, 2)


class MLP(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_in, 128), nn.LeakyReLU(0.2), nn.Linear(128, 128), nn.LeakyReLU(0.2),
                                 nn.Linear(128, n_out))

    def forward(self, x):
        return self.net(x)


G, D = MLP(8, 2), MLP(2, 1)
opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.0, 0.99))
opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.0, 0.99))

for step in range(200):
    real = real_batch(batch).requires_grad_()
    fake = G(torch.randn(batch, 8))
    d_real = D(real)
    loss_d = F.softplus(-d_real).mean() + F.softplus(D(fake.detach())).mean()
    (grad_real,) = torch.autograd.grad(d_real.sum(), real, create_graph=True)
    loss_d = loss_d + gamma / 2 * grad_real.pow(2).sum(dim=1).mean()
    opt_d.zero_grad()
    loss_d.backward()
    opt_d.step()
    loss_g = F.softplus(-D(fake)).mean()
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()
    if step % 50 == 0:
        print(f"{step}: loss_d {loss_d.item():.3f} loss_g {loss_g.item():.3f}")
