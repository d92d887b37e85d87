"""WGAN (weight clipping) on the 8x8 digits with a class-style generator and critic, n_critic = 5.

The critic loop makes ``fake_imgs = generator(z)`` and puts it straight into the critic loss (no
detach), so each ``loss_C.backward()`` frees the generator part of its graph. After the loop the
generator loss reuses the last ``fake_imgs``: "Trying to backward through the graph a second time".
"""
# doctor: max-steps 300
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(2)
x = torch.tensor(load_digits().data, dtype=torch.float32) / 8.0 - 1.0
loader = DataLoader(TensorDataset(x), batch_size=64, shuffle=True, drop_last=True)
latent_dim, n_critic, clip = 24, 5, 0.01


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(latent_dim, 128), nn.BatchNorm1d(128), nn.ReLU(),
            nn.Linear(128, 256), nn.BatchNorm1d(256), nn.ReLU(),
            nn.Linear(256, 64), nn.Tanh(),
        )

    def forward(self, z):
        return self.net(z)


class Critic(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(64, 256), nn.LeakyReLU(0.2),
            nn.Linear(256, 128), nn.LeakyReLU(0.2),
            nn.Linear(128, 1),
        )

    def forward(self, x):
        return self.net(x)


generator, critic = Generator(), Critic()
opt_G = torch.optim.RMSprop(generator.parameters(), lr=5e-5)
opt_C = torch.optim.RMSprop(critic.parameters(), lr=5e-5)

data_iter = iter(loader)
for g_step in range(100):
    for _ in range(n_critic):
        try:
            (real_imgs,) = next(data_iter)
        except StopIteration:
            data_iter = iter(loader)
            (real_imgs,) = next(data_iter)
        z = torch.randn(real_imgs.size(0), latent_dim)
        fake_imgs = generator(z)  # doctor: expect stale-fake-graph
        opt_C.zero_grad()
        loss_C = -torch.mean(critic(real_imgs)) + torch.mean(critic(fake_imgs))
        loss_C.backward()
        opt_C.step()
        for p in critic.parameters():
            p.data.clamp_(-clip, clip)

    opt_G.zero_grad()
    loss_G = -torch.mean(critic(fake_imgs))
    loss_G.backward()
    opt_G.step()

    if g_step % 20 == 0:
        print(f"[{g_step}] critic loss {loss_C.item():.5f}  G loss {loss_G.item():.5f}")
