"""Conditional GAN on sklearn's 8x8 digits (label embeddings in G and D). The generator step reuses the
detached fake from the discriminator step "so G is not run twice"."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

digits = load_digits()
X = torch.tensor(digits.data, dtype=torch.float32) / 8.0 - 1  # [-1, 1]
Y = torch.tensor(digits.target, dtype=torch.long)
torch.manual_seed(0)


class Generator(nn.Module):
    def __init__(self, nz=32, n_classes=10):
        super().__init__()
        self.label_emb = nn.Embedding(n_classes, 10)
        self.net = nn.Sequential(nn.Linear(nz + 10, 128), nn.ReLU(), nn.Linear(128, 64), nn.Tanh())

    def forward(self, z, labels):
        return self.net(torch.cat([z, self.label_emb(labels)], dim=1))


class Discriminator(nn.Module):
    def __init__(self, n_classes=10):
        super().__init__()
        self.label_emb = nn.Embedding(n_classes, 10)
        self.net = nn.Sequential(nn.Linear(64 + 10, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1))

    def forward(self, x, labels):
        return self.net(torch.cat([x, self.label_emb(labels)], dim=1))


G, D = Generator(), Discriminator()
opt_G = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_D = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))

for it in range(3000):
    idx = torch.randint(0, len(X), (64,))
    real, labels = X[idx], Y[idx]
    gen_labels = torch.randint(0, 10, (64,))
    fake = G(torch.randn(64, 32), gen_labels).detach()  # doctor: expect generator-no-gradient

    d_loss = F.binary_cross_entropy_with_logits(D(real, labels), torch.ones(64, 1)) + \
        F.binary_cross_entropy_with_logits(D(fake, gen_labels), torch.zeros(64, 1))
    opt_D.zero_grad()
    d_loss.backward()
    opt_D.step()

    g_loss = F.binary_cross_entropy_with_logits(D(fake, gen_labels), torch.ones(64, 1))
    opt_G.zero_grad()
    g_loss.backward()
    opt_G.step()

    if it % 500 == 0:
        print(f"it {it}: d {d_loss.item():.3f} g {g_loss.item():.3f}")
