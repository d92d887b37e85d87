"""Idiom: an EMA copy of G (copy.deepcopy) updated after every G step; G is trained toward the fake label.

The EMA generator is never given to an optimizer: its weights follow G's under no_grad
(``p_ema.lerp_(p, 1 - beta)``, buffers copied), and it is the network used to draw the preview
samples every K steps, in eval mode on a fixed noise batch.
"""
# doctor: max-steps 20
import copy

import torch
import torch.nn as nn
from sklearn.datasets import load_digits

X = torch.tensor(load_digits().data, dtype=torch.float32) / 8.0 - 1.0
torch.manual_seed(0)
NZ, BS, EMA_BETA, SAMPLE_EVERY = 20, 64, 0.99, 100

G = nn.Sequential(nn.Linear(NZ, 128), nn.BatchNorm1d(128), nn.ReLU(),
                  nn.Linear(128, 128), nn.BatchNorm1d(128), nn.ReLU(),
                  nn.Linear(128, 64), nn.Tanh())
D = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Linear(128, 128), nn.LeakyReLU(0.2),
                  nn.Linear(128, 1))
G_ema = copy.deepcopy(G).eval()
for p in G_ema.parameters():
    p.requires_grad_(False)

bce = nn.BCEWithLogitsLoss()
opt_G = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_D = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
fixed_z = torch.randn(16, NZ)
valid, invalid = torch.ones(BS, 1), torch.zeros(BS, 1)


@torch.no_grad()
def update_ema(ema_model, model, beta):
    for p_ema, p in zip(ema_model.parameters(), model.parameters()):
        p_ema.lerp_(p, 1.0 - beta)
    for b_ema, b in zip(ema_model.buffers(), model.buffers()):
        b_ema.copy_(b)


for step in range(1500):
    real = X[torch.randint(0, len(X), (BS,))]
    fake = G(torch.randn(BS, NZ))

    opt_D.zero_grad()
    d_loss = bce(D(real), valid) + bce(D(fake.detach()), invalid)
    d_loss.backward()
    opt_D.step()

    opt_G.zero_grad()
    g_loss = bce(D(fake), invalid)  # doctor: expect label-mismatch
    g_loss.backward()
    opt_G.step()
    update_ema(G_ema, G, EMA_BETA)

    if step % SAMPLE_EVERY == 0:
        with torch.no_grad():
            preview = G_ema(fixed_z)
            score = torch.sigmoid(D(preview)).mean().item()
        print(f"step {step:4d}  d {d_loss.item():.3f}  g {g_loss.item():.3f}  "
              f"ema preview: mean {preview.mean().item():+.2f} std {preview.std().item():.2f}  D(ema) {score:.2f}")
