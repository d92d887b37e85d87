"""WGAN-GP on digit images in the PyTorch-GAN layout (generator/critic classes, ``i % n_critic``).

The penalty computes the gradient norm by hand, ``torch.sqrt(torch.sum(gradients ** 2, dim=1) + 1e-12)``,
on the (B, 1, 8, 8) gradient without flattening it: the sum runs over the one channel only, giving
per-pixel magnitudes (B, 8, 8) instead of one L2 norm per sample.
"""
# doctor: max-steps 340
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(5)
imgs = torch.tensor(load_digits().data, dtype=torch.float32).view(-1, 1, 8, 8) / 8.0 - 1.0
dataloader = DataLoader(TensorDataset(imgs), batch_size=64, shuffle=True, drop_last=True)
latent_dim, n_critic, lambda_gp = 32, 5, 10.0


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Sequential(nn.Linear(latent_dim, 64 * 4 * 4))
        self.conv_blocks = nn.Sequential(
            nn.BatchNorm2d(64),
            nn.Upsample(scale_factor=2),
            nn.Conv2d(64, 32, 3, stride=1, padding=1),
            nn.BatchNorm2d(32),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(32, 1, 3, stride=1, padding=1),
            nn.Tanh(),
        )

    def forward(self, z):
        out = self.l1(z).view(z.size(0), 64, 4, 4)
        return self.conv_blocks(out)


class Critic(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(
            nn.Conv2d(1, 32, 3, 2, 1), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(32, 64, 3, 2, 1), nn.LeakyReLU(0.2, inplace=True),
        )
        self.adv_layer = nn.Linear(64 * 2 * 2, 1)

    def forward(self, img):
        out = self.model(img)
        return self.adv_layer(out.view(out.shape[0], -1))


def compute_gradient_penalty(D, real_samples, fake_samples):
    alpha = torch.rand(real_samples.size(0), 1, 1, 1)
    interpolates = (alpha * real_samples + (1 - alpha) * fake_samples).requires_grad_(True)
    d_interpolates = D(interpolates)
    fake = torch.ones(real_samples.shape[0], 1)
    gradients = torch.autograd.grad(
        outputs=d_interpolates,
        inputs=interpolates,
        grad_outputs=fake,
        create_graph=True,
        retain_graph=True,
        only_inputs=True,
    )[0]
    slopes = torch.sqrt(torch.sum(gradients ** 2, dim=1) + 1e-12)  # doctor: expect gradient-penalty-wrong-axis
    return ((slopes - 1) ** 2).mean()


generator, critic = Generator(), Critic()
optimizer_G = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.9))
optimizer_D = torch.optim.Adam(critic.parameters(), lr=2e-4, betas=(0.5, 0.9))

for epoch in range(10):
    for i, (real_imgs,) in enumerate(dataloader):
        optimizer_D.zero_grad()
        z = torch.randn(real_imgs.shape[0], latent_dim)
        fake_imgs = generator(z)
        real_validity = critic(real_imgs)
        fake_validity = critic(fake_imgs.detach())
        gradient_penalty = compute_gradient_penalty(critic, real_imgs, fake_imgs.detach())
        d_loss = -torch.mean(real_validity) + torch.mean(fake_validity) + lambda_gp * gradient_penalty
        d_loss.backward()
        optimizer_D.step()

        optimizer_G.zero_grad()
        if i % n_critic == 0:
            fake_imgs = generator(z)
            g_loss = -torch.mean(critic(fake_imgs))
            g_loss.backward()
            optimizer_G.step()

    print(f"[Epoch {epoch}] [D loss: {d_loss.item():.4f}] [G loss: {g_loss.item():.4f}] "
          f"[GP: {gradient_penalty.item():.4f}]")
