"""Digits GAN that takes one batch from the DataLoader and then trains on it forever."""
# doctor: max-steps 12
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

dataset = TensorDataset(torch.tensor(load_digits().data, dtype=torch.float32) / 8.0 - 1.0)
dataloader = DataLoader(dataset, batch_size=64, shuffle=True)

torch.manual_seed(0)
G = nn.Sequential(nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 64), nn.Tanh())
D = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1), nn.Sigmoid())
loss_fn = nn.BCELoss()
g_optimizer = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
d_optimizer = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))

real_images, = next(iter(dataloader))  # doctor: expect repeated-real-batch
for iteration in range(5000):
    b = real_images.size(0)
    fake_images = G(torch.randn(b, 16))

    d_optimizer.zero_grad()
    d_loss = loss_fn(D(real_images), torch.ones(b, 1)) + loss_fn(D(fake_images.detach()), torch.zeros(b, 1))
    d_loss.backward()
    d_optimizer.step()

    g_optimizer.zero_grad()
    g_loss = loss_fn(D(fake_images), torch.ones(b, 1))
    g_loss.backward()
    g_optimizer.step()
    if iteration % 500 == 0:
        print(iteration, d_loss.item(), g_loss.item())
