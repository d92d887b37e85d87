"""A GAN with hand-written weights (no nn.Module), initialised straight from torch.randn."""
import torch
from sklearn.datasets import load_digits

data = torch.tensor(load_digits().data, dtype=torch.float32) / 8 - 1
torch.manual_seed(0)

# generator: 32 -> 128 -> 64, discriminator: 64 -> 128 -> 1
Wg1 = torch.randn(32, 128, requires_grad=True)  # doctor: expect saturated-initialization
bg1 = torch.zeros(128, requires_grad=True)
Wg2 = torch.randn(128, 64, requires_grad=True)
bg2 = torch.zeros(64, requires_grad=True)
Wd1 = torch.randn(64, 128, requires_grad=True)
bd1 = torch.zeros(128, requires_grad=True)
Wd2 = torch.randn(128, 1, requires_grad=True)
bd2 = torch.zeros(1, requires_grad=True)


def generator(z):
    h = torch.tanh(z @ Wg1 + bg1)
    return torch.tanh(h @ Wg2 + bg2)


def discriminator(x):
    h = torch.tanh(x @ Wd1 + bd1)
    return h @ Wd2 + bd2


g_opt = torch.optim.SGD([Wg1, bg1, Wg2, bg2], lr=0.01, momentum=0.9)
d_opt = torch.optim.SGD([Wd1, bd1, Wd2, bd2], lr=0.01, momentum=0.9)
bce = torch.nn.functional.binary_cross_entropy_with_logits

for step in range(3000):
    x = data[torch.randint(0, len(data), (64,))]
    z = torch.randn(64, 32)
    d_opt.zero_grad()
    d_loss = bce(discriminator(x), torch.ones(64, 1)) + bce(discriminator(generator(z).detach()), torch.zeros(64, 1))
    d_loss.backward()
    d_opt.step()
    g_opt.zero_grad()
    g_loss = bce(discriminator(generator(z)), torch.ones(64, 1))
    g_loss.backward()
    g_opt.step()
    if step % 300 == 0:
        print(step, d_loss.item(), g_loss.item())
