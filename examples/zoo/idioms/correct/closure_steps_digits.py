"""Idiom: both optimizers driven through closures: ``opt.step(closure)``.

Each closure clears the grads, computes its network's loss, calls backward and returns the loss,
the signature LBFGS needs and Adam also accepts. The D closure draws its own fake batch (detached);
the G closure draws a fresh one and scores it with D.
"""
# doctor: max-steps 300
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

torch.manual_seed(0)
samples = torch.tensor(load_digits().data, dtype=torch.float32) / 8.0 - 1.0
Z, B = 16, 64

decoder = nn.Sequential(nn.Linear(Z, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Linear(128, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Linear(128, 64), nn.Tanh())
scorer = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1), nn.Sigmoid())
loss_fn = nn.BCELoss()
opt_dec = torch.optim.Adam(decoder.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_sc = torch.optim.Adam(scorer.parameters(), lr=2e-4, betas=(0.5, 0.999))
y_real, y_fake = torch.ones(B, 1), torch.zeros(B, 1)

for it in range(1500):
    batch = samples[torch.randint(len(samples), (B,))]

    def d_closure():
        opt_sc.zero_grad()
        generated = decoder(torch.randn(B, Z)).detach()
        loss = loss_fn(scorer(batch), y_real) + loss_fn(scorer(generated), y_fake)
        loss.backward()
        return loss

    def g_closure():
        opt_dec.zero_grad()
        loss = loss_fn(scorer(decoder(torch.randn(B, Z))), y_real)
        loss.backward()
        return loss

    d_loss = opt_sc.step(d_closure)
    g_loss = opt_dec.step(g_closure)
    if it % 150 == 0:
        print(f"iter {it:4d}  d {d_loss.item():.3f}  g {g_loss.item():.3f}")
