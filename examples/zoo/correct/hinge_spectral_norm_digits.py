"""Conv GAN on 8x8 digits with hinge loss and spectral norm in D (SNGAN style)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.nn.utils import spectral_norm
from torch.utils.data import DataLoader, TensorDataset

images = torch.tensor(load_digits().images, dtype=torch.float32).unsqueeze(1) / 8.0 - 1.0
loader = DataLoader(TensorDataset(images), batch_size=64, shuffle=True, drop_last=True)


class Generator(nn.Module):
    def __init__(self, nz=32):
        super().__init__()
        self.fc = nn.Linear(nz, 64 * 2 * 2)
        self.up = nn.Sequential(
            nn.BatchNorm2d(64), nn.ReLU(),
            nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.ConvTranspose2d(32, 1, 4, 2, 1), nn.Tanh(),
        )

    def forward(self, z):
        return self.up(self.fc(z).view(-1, 64, 2, 2))


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = spectral_norm(nn.Conv2d(1, 32, 3, 1, 1))
        self.conv2 = spectral_norm(nn.Conv2d(32, 64, 4, 2, 1))
        self.fc = spectral_norm(nn.Linear(64 * 4 * 4, 1))

    def forward(self, x):
        h = F.leaky_relu(self.conv1(x), 0.1)
        h = F.leaky_relu(self.conv2(h), 0.1)
        return self.fc(h.flatten(1))


torch.manual_seed(0)
G, D = Generator(), Discriminator()
optG = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.0, 0.9))
optD = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.0, 0.9))

for epoch in range(30):
    for (x,) in loader:
        z = torch.randn(x.size(0), 32)
        optD.zero_grad()
        d_loss = F.relu(1.0 - D(x)).mean() + F.relu(1.0 + D(G(z).detach())).mean()
        d_loss.backward()
        optD.step()

        optG.zero_grad()
        g_loss = -D(G(z)).mean()
        g_loss.backward()
        optG.step()
    print(epoch, d_loss.item(), g_loss.item())
