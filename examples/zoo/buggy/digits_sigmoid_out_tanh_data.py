"""Digits GAN: data scaled to [-1, 1] like the DCGAN tutorial, but G ends in a sigmoid."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits


class Generator(nn.Module):
    def __init__(self, latent_dim=10):
        super().__init__()
        self.fc1 = nn.Linear(latent_dim, 64)
        self.fc2 = nn.Linear(64, 64)

    def forward(self, z):
        return torch.sigmoid(self.fc2(F.relu(self.fc1(z))))


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 64)
        self.fc2 = nn.Linear(64, 1)

    def forward(self, x):
        return self.fc2(F.leaky_relu(self.fc1(x), 0.2))


digits = torch.tensor(load_digits().data, dtype=torch.float32)
torch.manual_seed(3)
generator, discriminator = Generator(), Discriminator()
g_opt = torch.optim.RMSprop(generator.parameters(), lr=5e-4)
d_opt = torch.optim.RMSprop(discriminator.parameters(), lr=5e-4)

for step in range(2000):
    batch = digits[torch.randint(0, len(digits), (32,))]
    batch = (batch / 16.0 - 0.5) / 0.5  # doctor: expect data-range-mismatch
    noise = torch.randn(32, 10)

    d_opt.zero_grad()
    real_logits = discriminator(batch)
    fake_logits = discriminator(generator(noise).detach())
    d_loss = F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
    d_loss.backward()
    d_opt.step()

    g_opt.zero_grad()
    g_loss = F.softplus(-discriminator(generator(noise))).mean()
    g_loss.backward()
    g_opt.step()
    if step % 200 == 0:
        print(step, d_loss.item(), g_loss.item())
