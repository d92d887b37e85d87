"""Digits GAN with the textbook minimax written out by hand; D returns raw scores."""
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

X = torch.tensor(load_digits().data / 16.0 * 2.0 - 1.0, dtype=torch.float32)
torch.manual_seed(0)

G = nn.Sequential(nn.Linear(20, 128), nn.ReLU(), nn.Linear(128, 64), nn.Tanh())
D = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1))
opt_g = torch.optim.Adam(G.parameters(), lr=1e-4)
opt_d = torch.optim.Adam(D.parameters(), lr=1e-4)

for i in range(5000):
    real = X[torch.randint(len(X), (50,))]
    fake = G(torch.randn(50, 20))

    loss_d = -torch.mean(torch.log(D(real)) + torch.log(1 - D(fake.detach())))  # doctor: expect probability-loss-on-logits
    opt_d.zero_grad()
    loss_d.backward()
    opt_d.step()

    loss_g = -torch.mean(torch.log(D(fake)))
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()
    if i % 500 == 0:
        print(i, loss_d.item(), loss_g.item())
