"""Conditional GAN on the 8x8 digits and their classes in the PyTorch-GAN cgan style (label_emb in
both networks, MSE adversarial loss, numpy labels wrapped in Variable). The generator builds its label
embedding but its forward feeds only the noise to the model, so it cannot follow the labels that the
discriminator checks its samples against.
"""
# doctor: max-steps 300
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.autograd import Variable

torch.manual_seed(0)
np.random.seed(0)
n_classes, latent_dim, batch_size = 10, 16, 64
digits = load_digits()
images = digits.data.astype(np.float32) / 8.0 - 1.0
FloatTensor, LongTensor = torch.FloatTensor, torch.LongTensor


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.label_emb = nn.Embedding(n_classes, n_classes)
        self.model = nn.Sequential(nn.Linear(latent_dim, 128), nn.LeakyReLU(0.2, inplace=True),
                                   nn.Linear(128, 64), nn.Tanh())

    def forward(self, noise, labels):
        return self.model(noise)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.label_embedding = nn.Embedding(n_classes, n_classes)
        self.model = nn.Sequential(nn.Linear(n_classes + 64, 128), nn.LeakyReLU(0.2, inplace=True),
                                   nn.Linear(128, 1))

    def forward(self, img, labels):
        return self.model(torch.cat((img.view(img.size(0), -1), self.label_embedding(labels)), -1))


adversarial_loss = nn.MSELoss()
generator, discriminator = Generator(), Discriminator()
optimizer_G = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
optimizer_D = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))

for i in range(150):
    idx = np.random.randint(0, len(images), batch_size)
    real_imgs, labels = Variable(FloatTensor(images[idx])), Variable(LongTensor(digits.target[idx]))
    valid = Variable(FloatTensor(batch_size, 1).fill_(1.0), requires_grad=False)
    fake = Variable(FloatTensor(batch_size, 1).fill_(0.0), requires_grad=False)

    optimizer_G.zero_grad()
    z = Variable(FloatTensor(np.random.normal(0, 1, (batch_size, latent_dim))))
    gen_labels = Variable(LongTensor(np.random.randint(0, n_classes, batch_size)))
    gen_imgs = generator(z, gen_labels)  # doctor: expect conditioning-ignored
    g_loss = adversarial_loss(discriminator(gen_imgs, gen_labels), valid)
    g_loss.backward()
    optimizer_G.step()

    optimizer_D.zero_grad()
    d_real_loss = adversarial_loss(discriminator(real_imgs, labels), valid)
    d_fake_loss = adversarial_loss(discriminator(gen_imgs.detach(), gen_labels), fake)
    d_loss = (d_real_loss + d_fake_loss) / 2
    d_loss.backward()
    optimizer_D.step()
    if i % 50 == 0:
        print(f"[{i}] D loss: {d_loss.item():.4f} G loss: {g_loss.item():.4f}")
