"""Digits GAN wrapped in DataParallel (a no-op wrapper on CPU) with bf16 autocast."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

loader = DataLoader(TensorDataset(torch.tensor(load_digits().data, dtype=torch.float32) / 8 - 1),
                    batch_size=64, shuffle=True, drop_last=True)
torch.manual_seed(0)
G = nn.DataParallel(nn.Sequential(nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 64), nn.Tanh()))
D = nn.DataParallel(nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1)))
opt_G = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_D = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))

for epoch in range(20):
    for (real,) in loader:
        ones, zeros = torch.ones(len(real), 1), torch.zeros(len(real), 1)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            fake = G(torch.randn(len(real), 16))
            d_loss = F.binary_cross_entropy_with_logits(D(real).float(), ones) + \
                F.binary_cross_entropy_with_logits(D(fake.detach()).float(), zeros)
        opt_D.zero_grad()
        d_loss.backward()
        opt_D.step()

        with torch.autocast("cpu", dtype=torch.bfloat16):
            g_loss = F.binary_cross_entropy_with_logits(D(fake).float(), ones)
        opt_G.zero_grad()
        g_loss.backward()
        opt_G.step()
    print(epoch, d_loss.item(), g_loss.item())
