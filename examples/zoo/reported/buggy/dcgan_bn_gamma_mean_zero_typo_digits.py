"""DCGAN-style conv GAN on the 8x8 digits (G/D as nn.Sequential, init via ``.apply(init_weights)``).

The BatchNorm branch of the init was typed with mean 0.0: ``m.weight.data.normal_(0.0, 0.02)``
instead of ``normal_(1.0, 0.02)``, so the BatchNorm gammas start near zero.
"""
# doctor: max-steps 300
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

torch.manual_seed(4)
data = torch.from_numpy(load_digits().data).float().view(-1, 1, 8, 8) / 8.0 - 1.0
Z, BS = 20, 64


def init_weights(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        m.weight.data.normal_(0.0, 0.02)
    elif isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)):
        m.weight.data.normal_(0.0, 0.02)  # doctor: expect norm-scale-near-zero
        m.bias.data.fill_(0)


G = nn.Sequential(
    nn.ConvTranspose2d(Z, 64, 4, 1, 0, bias=False), nn.BatchNorm2d(64), nn.ReLU(True),  # 4x4
    nn.ConvTranspose2d(64, 32, 4, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(True),  # 8x8
    nn.Conv2d(32, 1, 3, 1, 1, bias=False), nn.Tanh(),
)
D = nn.Sequential(
    nn.Conv2d(1, 32, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True),  # 4x4
    nn.Conv2d(32, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.LeakyReLU(0.2, True),  # 2x2
    nn.Conv2d(64, 1, 2, 1, 0, bias=False), nn.Flatten(),  # logits (B, 1)
)
G.apply(init_weights)
D.apply(init_weights)

loss_fn = nn.BCEWithLogitsLoss()
opt_G = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_D = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))

n_iters = 200
for it in range(n_iters):
    real = data[torch.randint(0, data.size(0), (BS,))]
    z = torch.randn(BS, Z, 1, 1)
    fake = G(z)

    opt_D.zero_grad()
    loss_D = loss_fn(D(real), torch.ones(BS, 1)) + loss_fn(D(fake.detach()), torch.zeros(BS, 1))
    loss_D.backward()
    opt_D.step()

    opt_G.zero_grad()
    loss_G = loss_fn(D(fake), torch.ones(BS, 1))
    loss_G.backward()
    opt_G.step()

    if it % 40 == 0 or it == n_iters - 1:
        print(f"it {it:3d}  loss_D {loss_D.item():.4f}  loss_G {loss_G.item():.4f}  fake std {fake.std().item():.3f}")
