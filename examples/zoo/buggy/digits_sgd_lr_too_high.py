"""Digits GAN on plain SGD with momentum; the learning rate was raised "because SGD is slow"."""
# doctor: max-steps 40
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

X = torch.tensor(load_digits().data, dtype=torch.float32) / 8 - 1
torch.manual_seed(0)
G = nn.Sequential(nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 64), nn.Tanh())
D = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1))
criterion = nn.BCEWithLogitsLoss()
opt_d = torch.optim.SGD(D.parameters(), lr=2.0, momentum=0.9)  # doctor: expect learning-rate-too-high
opt_g = torch.optim.SGD(G.parameters(), lr=2.0, momentum=0.9)

for it in range(2000):
    real = X[torch.randint(0, len(X), (64,))]
    fake = G(torch.randn(64, 16))
    opt_d.zero_grad()
    loss_d = criterion(D(real), torch.ones(64, 1)) + criterion(D(fake.detach()), torch.zeros(64, 1))
    loss_d.backward()
    opt_d.step()
    opt_g.zero_grad()
    loss_g = criterion(D(fake), torch.ones(64, 1))
    loss_g.backward()
    opt_g.step()
    if it % 200 == 0:
        print(it, loss_d.item(), loss_g.item())
