"""WGAN-GP on sklearn digits: no sigmoid, 5 critic steps, gradient penalty through create_graph."""
# doctor: max-steps 60
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

X = torch.tensor(load_digits().data, dtype=torch.float32) / 8.0 - 1.0
torch.manual_seed(0)
generator = nn.Sequential(nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 64), nn.Tanh())
critic = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Linear(128, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1))
opt_g = torch.optim.Adam(generator.parameters(), lr=1e-4, betas=(0.5, 0.9))
opt_c = torch.optim.Adam(critic.parameters(), lr=1e-4, betas=(0.5, 0.9))
n_critic, lambda_gp, bs = 5, 10.0, 64


def gradient_penalty(real, fake):
    alpha = torch.rand(real.size(0), 1)
    mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    grads = torch.autograd.grad(critic(mixed).sum(), mixed, create_graph=True)[0]
    return ((grads.norm(2, dim=1) - 1) ** 2).mean()


for it in range(2000):
    for _ in range(n_critic):
        real = X[torch.randint(0, len(X), (bs,))]
        fake = generator(torch.randn(bs, 16)).detach()
        loss_c = critic(fake).mean() - critic(real).mean() + lambda_gp * gradient_penalty(real, fake)
        opt_c.zero_grad()
        loss_c.backward()
        opt_c.step()

    loss_g = -critic(generator(torch.randn(bs, 16))).mean()
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()
    if it % 200 == 0:
        print(it, loss_c.item(), loss_g.item())
