"""WGAN-GP on the 8x8 digits in the PyTorch-GAN style (Generator/Discriminator classes, a Tensor alias,
Variable, compute_gradient_penalty), whose interpolates are never marked ``requires_grad``: the
penalty's ``autograd.grad`` raises "One of the differentiated Tensors does not require grad".
"""
# doctor: max-steps 300
import numpy as np
import torch
import torch.autograd as autograd
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.autograd import Variable

torch.manual_seed(0)
np.random.seed(0)
Tensor = torch.FloatTensor
images = load_digits().data.astype(np.float32) / 8.0 - 1.0
latent_dim, batch_size, n_critic, lambda_gp = 16, 64, 5, 10


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(latent_dim, 128), nn.LeakyReLU(0.2, inplace=True), nn.Linear(128, 256),
                                   nn.LeakyReLU(0.2, inplace=True), nn.Linear(256, 64), nn.Tanh())

    def forward(self, z):
        return self.model(z)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(64, 256), nn.LeakyReLU(0.2, inplace=True), nn.Linear(256, 128),
                                   nn.LeakyReLU(0.2, inplace=True), nn.Linear(128, 1))

    def forward(self, img):
        return self.model(img)


def compute_gradient_penalty(D, real_samples, fake_samples):
    alpha = Tensor(np.random.random((real_samples.size(0), 1)))
    interpolates = alpha * real_samples + ((1 - alpha) * fake_samples)  # doctor: expect gradient-penalty-input-without-grad
    d_interpolates = D(interpolates)
    fake = Variable(Tensor(real_samples.shape[0], 1).fill_(1.0), requires_grad=False)
    gradients = autograd.grad(outputs=d_interpolates, inputs=interpolates, grad_outputs=fake,
                              create_graph=True, retain_graph=True, only_inputs=True)[0]
    gradients = gradients.view(gradients.size(0), -1)
    return ((gradients.norm(2, dim=1) - 1) ** 2).mean()


generator, discriminator = Generator(), Discriminator()
optimizer_G = torch.optim.Adam(generator.parameters(), lr=1e-4, betas=(0.5, 0.9))
optimizer_D = torch.optim.Adam(discriminator.parameters(), lr=1e-4, betas=(0.5, 0.9))

for i in range(300):
    real_imgs = Variable(Tensor(images[np.random.randint(0, len(images), batch_size)]))
    optimizer_D.zero_grad()
    z = Variable(Tensor(np.random.normal(0, 1, (batch_size, latent_dim))))
    fake_imgs = generator(z)
    real_validity = discriminator(real_imgs)
    fake_validity = discriminator(fake_imgs.detach())
    gradient_penalty = compute_gradient_penalty(discriminator, real_imgs.data, fake_imgs.data)
    d_loss = -torch.mean(real_validity) + torch.mean(fake_validity) + lambda_gp * gradient_penalty
    d_loss.backward()
    optimizer_D.step()
    optimizer_G.zero_grad()
    if i % n_critic == 0:
        g_loss = -torch.mean(discriminator(generator(z)))
        g_loss.backward()
        optimizer_G.step()
        if i % 100 == 0:
            print(f"[{i}] D loss: {d_loss.item():.4f} G loss: {g_loss.item():.4f} GP: {gradient_penalty.item():.4f}")
