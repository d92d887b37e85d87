"""ACGAN on the sklearn 8x8 digits: the discriminator returns (validity, class logits).

The auxiliary classifier head is a bare ``nn.Linear``: its raw logits go into ``nn.CrossEntropyLoss()``.
"""
# doctor: max-steps 300
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

np.random.seed(0)
torch.manual_seed(0)

n_classes, latent_dim, batch_size = 10, 32, 64
digits = load_digits()
images = torch.tensor(digits.data / 8.0 - 1.0, dtype=torch.float32)
labels = torch.tensor(digits.target, dtype=torch.long)
loader = DataLoader(TensorDataset(images, labels), batch_size=batch_size, shuffle=True, drop_last=True)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.label_emb = nn.Embedding(n_classes, latent_dim)
        self.model = nn.Sequential(
            nn.Linear(latent_dim, 128),
            nn.BatchNorm1d(128),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(128, 256),
            nn.BatchNorm1d(256),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(256, 64),
            nn.Tanh(),
        )

    def forward(self, noise, labels):
        return self.model(torch.mul(self.label_emb(labels), noise))


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Linear(64, 256),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Dropout(0.25),
            nn.Linear(256, 128),
            nn.LeakyReLU(0.2, inplace=True),
        )
        self.adv_layer = nn.Sequential(nn.Linear(128, 1), nn.Sigmoid())
        self.aux_layer = nn.Linear(128, n_classes)

    def forward(self, img):
        h = self.features(img)
        return self.adv_layer(h), self.aux_layer(h)


adversarial_loss = nn.BCELoss()
auxiliary_loss = nn.CrossEntropyLoss()
generator, discriminator = Generator(), Discriminator()
optimizer_G = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
optimizer_D = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))

for epoch in range(8):
    for i, (real_imgs, real_labels) in enumerate(loader):
        b = real_imgs.size(0)
        valid = torch.ones(b, 1)
        fake = torch.zeros(b, 1)

        # -----------------
        #  Train Generator
        # -----------------
        optimizer_G.zero_grad()
        z = torch.randn(b, latent_dim)
        gen_labels = torch.randint(0, n_classes, (b,))
        gen_imgs = generator(z, gen_labels)
        validity, pred_label = discriminator(gen_imgs)
        g_loss = 0.5 * (adversarial_loss(validity, valid) + auxiliary_loss(pred_label, gen_labels))
        g_loss.backward()
        optimizer_G.step()

        # ---------------------
        #  Train Discriminator
        # ---------------------
        optimizer_D.zero_grad()
        real_pred, real_aux = discriminator(real_imgs)
        d_real_loss = (adversarial_loss(real_pred, valid) + auxiliary_loss(real_aux, real_labels)) / 2
        fake_pred, fake_aux = discriminator(gen_imgs.detach())
        d_fake_loss = (adversarial_loss(fake_pred, fake) + auxiliary_loss(fake_aux, gen_labels)) / 2
        d_loss = (d_real_loss + d_fake_loss) / 2
        d_loss.backward()
        optimizer_D.step()

        d_acc = (real_aux.argmax(1) == real_labels).float().mean().item()

    print(f"[epoch {epoch}] D loss {d_loss.item():.4f}  G loss {g_loss.item():.4f}  D class acc {100 * d_acc:.1f}%")
