"""Conditional LSGAN on digits (label-embedding times noise); the images are scaled to [0, 1] but G ends in tanh."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

n_classes, latent_dim, img_shape, batch_size = 10, 32, (1, 8, 8), 64
np.random.seed(0)
torch.manual_seed(0)

digits = load_digits()
images = torch.tensor(digits.data / 16.0, dtype=torch.float32).view(-1, *img_shape)  # doctor: expect data-range-mismatch
targets = torch.tensor(digits.target, dtype=torch.long)
dataloader = DataLoader(TensorDataset(images, targets), batch_size=batch_size, shuffle=True, drop_last=True)
FloatTensor, LongTensor = torch.FloatTensor, torch.LongTensor


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.label_emb = nn.Embedding(n_classes, latent_dim)

        def block(n_in, n_out, normalize=True):
            layers = [nn.Linear(n_in, n_out)]
            if normalize:
                layers.append(nn.BatchNorm1d(n_out))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            return layers

        self.model = nn.Sequential(
            *block(latent_dim, 128, normalize=False),
            *block(128, 256),
            nn.Linear(256, int(np.prod(img_shape))),
            nn.Tanh(),
        )

    def forward(self, noise, labels):
        gen_input = torch.mul(self.label_emb(labels), noise)
        img = self.model(gen_input)
        return img.view(img.size(0), *img_shape)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.label_embedding = nn.Embedding(n_classes, n_classes)
        self.model = nn.Sequential(
            nn.Linear(n_classes + int(np.prod(img_shape)), 256),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(256, 256),
            nn.Dropout(0.3),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(256, 1),
        )

    def forward(self, img, labels):
        d_in = torch.cat((img.view(img.size(0), -1), self.label_embedding(labels)), -1)
        return self.model(d_in)


adversarial_loss = nn.MSELoss()
generator, discriminator = Generator(), Discriminator()
optimizer_G = torch.optim.Adam(generator.parameters(), lr=5e-4, betas=(0.5, 0.999))
optimizer_D = torch.optim.Adam(discriminator.parameters(), lr=5e-4, betas=(0.5, 0.999))

for epoch in range(30):
    for i, (imgs, labels) in enumerate(dataloader):
        b = imgs.shape[0]
        valid = FloatTensor(b, 1).fill_(1.0)
        fake = FloatTensor(b, 1).fill_(0.0)
        real_imgs, labels = imgs.type(FloatTensor), labels.type(LongTensor)

        # generator
        optimizer_G.zero_grad()
        z = FloatTensor(np.random.normal(0, 1, (b, latent_dim)))
        gen_labels = LongTensor(np.random.randint(0, n_classes, b))
        gen_imgs = generator(z, gen_labels)
        g_loss = adversarial_loss(discriminator(gen_imgs, gen_labels), valid)
        g_loss.backward()
        optimizer_G.step()

        # discriminator
        optimizer_D.zero_grad()
        d_real_loss = adversarial_loss(discriminator(real_imgs, labels), valid)
        d_fake_loss = adversarial_loss(discriminator(gen_imgs.detach(), gen_labels), fake)
        d_loss = 0.5 * (d_real_loss + d_fake_loss)
        d_loss.backward()
        optimizer_D.step()

    if epoch % 3 == 0:
        print(f"[epoch {epoch}] [D loss {d_loss.item():.4f}] [G loss {g_loss.item():.4f}]")
