"""WGAN-GP on 8x8 digit images with a conv critic; the generator trains every n_critic-th batch.

Idiom: ``n_critic = 5`` critic steps per generator step, driven by ``if i % n_critic == 0`` inside the
batch loop; the gradient penalty on ``alpha * real + (1 - alpha) * fake`` interpolates made with
``requires_grad_(True)``, ``torch.autograd.grad(..., grad_outputs=ones, create_graph=True,
retain_graph=True)`` and the (B, 1, 8, 8) gradients flattened with ``.view(B, -1)`` before the norm.
"""
# doctor: max-steps 340
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
x = torch.tensor(load_digits().data, dtype=torch.float32).reshape(-1, 1, 8, 8)
x = x / 8.0 - 1.0
dataloader = DataLoader(TensorDataset(x), batch_size=64, shuffle=True, drop_last=True)
latent_dim, n_critic, lambda_gp = 32, 5, 10.0


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(latent_dim, 64 * 4 * 4), nn.BatchNorm1d(64 * 4 * 4), nn.ReLU())
        self.deconv = nn.Sequential(
            nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1), nn.BatchNorm2d(32), nn.ReLU(),  # 8x8
            nn.Conv2d(32, 1, 3, padding=1), nn.Tanh(),
        )

    def forward(self, z):
        return self.deconv(self.fc(z).view(-1, 64, 4, 4))


class Critic(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.LeakyReLU(0.2),  # 4x4
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.LeakyReLU(0.2),  # 2x2
            nn.Flatten(),
            nn.Linear(64 * 2 * 2, 1),
        )

    def forward(self, img):
        return self.net(img)


def compute_gradient_penalty(critic, real_samples, fake_samples):
    alpha = torch.rand(real_samples.size(0), 1, 1, 1)
    interpolates = (alpha * real_samples + (1 - alpha) * fake_samples).requires_grad_(True)
    d_interpolates = critic(interpolates)
    ones = torch.ones(real_samples.size(0), 1)
    gradients = torch.autograd.grad(outputs=d_interpolates, inputs=interpolates, grad_outputs=ones,
                                    create_graph=True, retain_graph=True, only_inputs=True)[0]
    gradients = gradients.view(gradients.size(0), -1)
    return ((gradients.norm(2, dim=1) - 1) ** 2).mean()


generator, critic = Generator(), Critic()
optimizer_G = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.9))
optimizer_C = torch.optim.Adam(critic.parameters(), lr=2e-4, betas=(0.5, 0.9))

for epoch in range(16):
    for i, (real_imgs,) in enumerate(dataloader):
        optimizer_C.zero_grad()
        z = torch.randn(real_imgs.size(0), latent_dim)
        fake_imgs = generator(z).detach()
        gp = compute_gradient_penalty(critic, real_imgs, fake_imgs)
        c_loss = critic(fake_imgs).mean() - critic(real_imgs).mean() + lambda_gp * gp
        c_loss.backward()
        optimizer_C.step()

        if i % n_critic == 0:
            optimizer_G.zero_grad()
            gen_imgs = generator(torch.randn(real_imgs.size(0), latent_dim))
            g_loss = -critic(gen_imgs).mean()
            g_loss.backward()
            optimizer_G.step()

    if epoch % 3 == 0:
        print(f"[epoch {epoch}] critic loss {c_loss.item():.3f}  gp {gp.item():.3f}  G loss {g_loss.item():.3f}")
