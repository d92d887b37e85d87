"""LSGAN on the 8x8 digits with one D pass over the concatenated real+fake batch.

The targets ``torch.cat([torch.ones(b, 1), torch.zeros(b, 1)])`` have D's output shape (2b, 1).
"""
# doctor: max-steps 300
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)
data = torch.tensor(load_digits().data / 8.0 - 1.0, dtype=torch.float32)
z_dim, b = 32, 64

G = nn.Sequential(
    nn.Linear(z_dim, 128), nn.BatchNorm1d(128), nn.ReLU(),
    nn.Linear(128, 256), nn.BatchNorm1d(256), nn.ReLU(),
    nn.Linear(256, 64), nn.Tanh(),
)
D = nn.Sequential(
    nn.Linear(64, 128), nn.LeakyReLU(0.2),
    nn.Linear(128, 64), nn.LeakyReLU(0.2),
    nn.Linear(64, 1),
)
opt_G = torch.optim.Adam(G.parameters(), lr=5e-4, betas=(0.5, 0.999))
opt_D = torch.optim.Adam(D.parameters(), lr=5e-4, betas=(0.5, 0.999))

step = 0
for epoch in range(6):
    perm = torch.randperm(len(data))
    for start in range(0, len(data) - b + 1, b):
        x_real = data[perm[start:start + b]]
        x_fake = G(torch.randn(b, z_dim))

        # D: one pass over [real; fake]
        opt_D.zero_grad()
        scores = D(torch.cat([x_real, x_fake.detach()]))
        targets = torch.cat([torch.ones(b, 1), torch.zeros(b, 1)])
        loss_D = F.mse_loss(scores, targets)
        loss_D.backward()
        opt_D.step()

        # G: make D call the fakes real
        opt_G.zero_grad()
        loss_G = F.mse_loss(D(x_fake), torch.ones(b, 1))
        loss_G.backward()
        opt_G.step()
        step += 1

    print(f"epoch {epoch}  loss_D {loss_D.item():.4f}  loss_G {loss_G.item():.4f}  "
          f"D(real) {scores[:b].mean().item():.3f}  D(fake) {scores[b:].mean().item():.3f}")
