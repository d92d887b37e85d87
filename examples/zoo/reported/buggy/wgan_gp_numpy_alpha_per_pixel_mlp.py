"""WGAN-GP with MLP networks on the 8x8 digits, in the style of the popular collections of GAN
implementations: a FloatTensor alias, numpy random numbers for alpha, `.data` of the batches handed to
the penalty, one G step every five critic steps. alpha is drawn with numpy at the images' full shape,
so every pixel gets its own weight and the interpolates leave the lines between real and fake.
"""
# doctor: max-steps 300
import numpy as np
import torch
import torch.autograd as autograd
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.autograd import Variable

np.random.seed(0)
torch.manual_seed(0)
Tensor = torch.FloatTensor
img_shape = (1, 8, 8)
latent_dim, n_critic, lambda_gp, batch_size = 32, 5, 10, 64
images = Tensor(load_digits().data / 8.0 - 1.0).view(-1, *img_shape)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(latent_dim, 128), nn.LeakyReLU(0.2, inplace=True),
                                   nn.Linear(128, 256), nn.LeakyReLU(0.2, inplace=True),
                                   nn.Linear(256, int(np.prod(img_shape))), nn.Tanh())

    def forward(self, z):
        return self.model(z).view(z.size(0), *img_shape)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(int(np.prod(img_shape)), 256), nn.LeakyReLU(0.2, inplace=True),
                                   nn.Linear(256, 128), nn.LeakyReLU(0.2, inplace=True), nn.Linear(128, 1))

    def forward(self, img):
        return self.model(img.view(img.size(0), -1))


def compute_gradient_penalty(D, real_samples, fake_samples):
    alpha = Tensor(np.random.random(real_samples.shape))
    interpolates = (alpha * real_samples + ((1 - alpha) * fake_samples)).requires_grad_(True)  # doctor: expect gradient-penalty-alpha-per-element
    d_interpolates = D(interpolates)
    fake = Variable(Tensor(real_samples.shape[0], 1).fill_(1.0), requires_grad=False)
    gradients = autograd.grad(outputs=d_interpolates, inputs=interpolates, grad_outputs=fake,
                              create_graph=True, retain_graph=True, only_inputs=True)[0]
    gradients = gradients.view(gradients.size(0), -1)
    return ((gradients.norm(2, dim=1) - 1) ** 2).mean()


generator, discriminator = Generator(), Discriminator()
optimizer_G = torch.optim.Adam(generator.parameters(), lr=1e-4, betas=(0.5, 0.9))
optimizer_D = torch.optim.Adam(discriminator.parameters(), lr=1e-4, betas=(0.5, 0.9))

batches_done = 0
for epoch in range(12):
    order = torch.randperm(len(images))
    for i in range(len(images) // batch_size):
        real_imgs = Variable(images[order[i * batch_size:(i + 1) * batch_size]])
        optimizer_D.zero_grad()
        z = Variable(Tensor(np.random.normal(0, 1, (real_imgs.shape[0], latent_dim))))
        fake_imgs = generator(z)
        real_validity = discriminator(real_imgs)
        fake_validity = discriminator(fake_imgs)
        gradient_penalty = compute_gradient_penalty(discriminator, real_imgs.data, fake_imgs.data)
        d_loss = -torch.mean(real_validity) + torch.mean(fake_validity) + lambda_gp * gradient_penalty
        d_loss.backward()
        optimizer_D.step()
        optimizer_G.zero_grad()
        if i % n_critic == 0:
            fake_imgs = generator(z)
            g_loss = -torch.mean(discriminator(fake_imgs))
            g_loss.backward()
            optimizer_G.step()
            if batches_done % 100 == 0:
                print(f"[Epoch {epoch}] [Batch {i}] [D loss: {d_loss.item():.4f}] [G loss: {g_loss.item():.4f}]")
            batches_done += n_critic
