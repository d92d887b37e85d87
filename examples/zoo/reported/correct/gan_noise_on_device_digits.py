"""MLP GAN on the 8x8 digits that puts both networks, each batch, the noise and the labels on one
``device`` (CUDA where there is one, else the CPU).
"""
# doctor: max-steps 300
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
X = torch.tensor(load_digits().data / 8.0 - 1.0, dtype=torch.float32)
nz, B = 16, 64

G = nn.Sequential(nn.Linear(nz, 128), nn.ReLU(), nn.Linear(128, 64), nn.Tanh()).to(device)
D = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1)).to(device)
opt_G = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_D = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
loss_fn = nn.BCEWithLogitsLoss()

for step in range(300):
    real = X[torch.randint(0, len(X), (B,))].to(device)
    z = torch.randn(B, nz, device=device)
    fake = G(z)
    loss_D = loss_fn(D(real), torch.ones(B, 1, device=device)) + \
        loss_fn(D(fake.detach()), torch.zeros(B, 1, device=device))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    loss_G = loss_fn(D(fake), torch.ones(B, 1, device=device))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    if step % 100 == 0:
        print(f"{step}: D {loss_D.item():.3f} G {loss_G.item():.3f}")
