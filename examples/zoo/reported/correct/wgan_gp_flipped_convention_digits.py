"""WGAN-GP on the 8x8 digits with the opposite sign convention, written consistently in both losses.

The critic maximizes D(fake) - D(real) (it minimizes D(real) - D(fake)), so a high score means fake;
the generator then minimizes D(fake). Both signs flipped together: correct, and it must stay silent.
"""
# doctor: max-steps 360
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

torch.manual_seed(0)
X = torch.tensor(load_digits().data / 8.0 - 1.0, dtype=torch.float32).view(-1, 1, 8, 8)
nz, B, n_critic, lambda_gp = 32, 64, 5, 10.0

netG = nn.Sequential(
    nn.Linear(nz, 64 * 4 * 4),
    nn.ReLU(True),
    nn.Unflatten(1, (64, 4, 4)),
    nn.ConvTranspose2d(64, 32, 4, 2, 1),  # 8x8
    nn.BatchNorm2d(32),
    nn.ReLU(True),
    nn.Conv2d(32, 1, 3, 1, 1),
    nn.Tanh(),
)
netD = nn.Sequential(
    nn.Conv2d(1, 32, 3, 2, 1),  # 4x4
    nn.LeakyReLU(0.2, True),
    nn.Conv2d(32, 64, 3, 2, 1),  # 2x2
    nn.LeakyReLU(0.2, True),
    nn.Flatten(),
    nn.Linear(64 * 2 * 2, 1),
)
optD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.9))
optG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.9))


def gradient_penalty(netD, real, fake):
    eps = torch.rand(B, 1, 1, 1)
    x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
    d_hat = netD(x_hat)
    gradients = torch.autograd.grad(outputs=d_hat, inputs=x_hat, grad_outputs=torch.ones_like(d_hat),
                                    create_graph=True, retain_graph=True)[0]
    grad_norm = gradients.view(B, -1).norm(2, dim=1)
    return ((grad_norm - 1) ** 2).mean()


for it in range(70):
    for _ in range(n_critic):
        real = X[torch.randint(0, len(X), (B,))]
        fake = netG(torch.randn(B, nz)).detach()
        optD.zero_grad()
        gp = gradient_penalty(netD, real, fake)
        lossD = netD(real).mean() - netD(fake).mean() + lambda_gp * gp
        lossD.backward()
        optD.step()

    optG.zero_grad()
    lossG = netD(netG(torch.randn(B, nz))).mean()
    lossG.backward()
    optG.step()

    if it % 20 == 0:
        print(f"[{it:3d}] lossD {lossD.item():.3f}  gp {gp.item():.3f}  lossG {lossG.item():.3f}")
