"""WGAN-GP on the 8x8 digits as (B, 1, 8, 8) images in the style of the early WGAN-GP ports
(calc_gradient_penalty with a ones grad_outputs, DIM and LAMBDA constants): alpha is drawn with the
data's full size, one weight per pixel, so the interpolates leave the lines between real and fake.
"""
# doctor: max-steps 300
import torch
import torch.autograd as autograd
import torch.nn as nn
import torch.optim as optim
from sklearn.datasets import load_digits

torch.manual_seed(0)
DIM, BATCH_SIZE, CRITIC_ITERS, LAMBDA = 32, 50, 5, 10
data = torch.tensor(load_digits().data / 8.0 - 1.0, dtype=torch.float32).view(-1, 1, 8, 8)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.preprocess = nn.Sequential(nn.Linear(16, 2 * DIM * 4 * 4), nn.ReLU(True))
        self.block = nn.Sequential(nn.ConvTranspose2d(2 * DIM, DIM, 2, stride=2), nn.ReLU(True))
        self.out = nn.Conv2d(DIM, 1, 3, padding=1)

    def forward(self, noise):
        x = self.preprocess(noise).view(-1, 2 * DIM, 4, 4)
        return torch.tanh(self.out(self.block(x)))


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(nn.Conv2d(1, DIM, 3, 2, padding=1), nn.ReLU(True),
                                  nn.Conv2d(DIM, 2 * DIM, 3, 2, padding=1), nn.ReLU(True))
        self.output = nn.Linear(2 * DIM * 2 * 2, 1)

    def forward(self, x):
        return self.output(self.main(x).view(-1, 2 * DIM * 2 * 2)).view(-1)


def calc_gradient_penalty(netD, real_data, fake_data):
    alpha = torch.rand(real_data.size())
    interpolates = alpha * real_data + ((1 - alpha) * fake_data)  # doctor: expect gradient-penalty-alpha-per-element
    interpolates = autograd.Variable(interpolates, requires_grad=True)
    disc_interpolates = netD(interpolates)
    gradients = autograd.grad(outputs=disc_interpolates, inputs=interpolates,
                              grad_outputs=torch.ones(disc_interpolates.size()),
                              create_graph=True, retain_graph=True, only_inputs=True)[0]
    gradients = gradients.view(gradients.size(0), -1)
    return ((gradients.norm(2, dim=1) - 1) ** 2).mean() * LAMBDA


netG, netD = Generator(), Discriminator()
optimizerD = optim.Adam(netD.parameters(), lr=1e-4, betas=(0.5, 0.9))
optimizerG = optim.Adam(netG.parameters(), lr=1e-4, betas=(0.5, 0.9))
one = torch.tensor(1.0)
mone = one * -1

for iteration in range(60):
    for p in netD.parameters():
        p.requires_grad = True
    for iter_d in range(CRITIC_ITERS):
        real_data = data[torch.randint(0, len(data), (BATCH_SIZE,))]
        netD.zero_grad()
        D_real = netD(real_data).mean()
        D_real.backward(mone)
        fake = netG(torch.randn(BATCH_SIZE, 16)).detach()
        D_fake = netD(fake).mean()
        D_fake.backward(one)
        gradient_penalty = calc_gradient_penalty(netD, real_data, fake)
        gradient_penalty.backward()
        D_cost = D_fake - D_real + gradient_penalty
        optimizerD.step()
    for p in netD.parameters():
        p.requires_grad = False
    netG.zero_grad()
    G = netD(netG(torch.randn(BATCH_SIZE, 16))).mean()
    G.backward(mone)
    optimizerG.step()
    if iteration % 20 == 0:
        print(f"{iteration}: D_cost {D_cost.item():.3f} G {G.item():.3f}")
