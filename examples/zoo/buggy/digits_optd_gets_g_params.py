"""Digits GAN; the discriminator's optimizer was copy-pasted from the generator's line."""
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

X = torch.tensor(load_digits().data, dtype=torch.float32) / 8.0 - 1.0
torch.manual_seed(0)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 64), nn.Tanh())

    def forward(self, z):
        return self.model(z)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1), nn.Sigmoid())

    def forward(self, x):
        return self.model(x)


generator, discriminator = Generator(), Discriminator()
adversarial_loss = nn.BCELoss()
optimizer_G = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
optimizer_D = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))  # doctor: expect optimizer-wrong-parameters

for i in range(3000):
    imgs = X[torch.randint(0, len(X), (64,))]
    valid, fake = torch.ones(64, 1), torch.zeros(64, 1)

    optimizer_G.zero_grad()
    gen_imgs = generator(torch.randn(64, 16))
    g_loss = adversarial_loss(discriminator(gen_imgs), valid)
    g_loss.backward()
    optimizer_G.step()

    optimizer_D.zero_grad()
    real_loss = adversarial_loss(discriminator(imgs), valid)
    fake_loss = adversarial_loss(discriminator(gen_imgs.detach()), fake)
    d_loss = (real_loss + fake_loss) / 2
    d_loss.backward()
    optimizer_D.step()
    if i % 300 == 0:
        print(f"[{i}] D loss: {d_loss.item():.4f}  G loss: {g_loss.item():.4f}")
