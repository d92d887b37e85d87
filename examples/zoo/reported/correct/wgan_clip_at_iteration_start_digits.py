"""WGAN on the 8x8 digits in the old pytorch/examples style, clipping as the original WGAN code does:
at the start of every critic iteration, before the forward (so after the previous step). The
generator's step then meets weights one step past the clip, as in the reference implementation.
"""
# doctor: max-steps 360
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.autograd import Variable

torch.manual_seed(0)
data = torch.FloatTensor(load_digits().data / 8.0 - 1.0)
nz, batch_size, Diters, clamp_lower, clamp_upper = 20, 64, 5, -0.01, 0.01

netG = nn.Sequential(nn.Linear(nz, 128), nn.ReLU(True), nn.Linear(128, 128), nn.ReLU(True), nn.Linear(128, 64),
                     nn.Tanh())
netD = nn.Sequential(nn.Linear(64, 128), nn.ReLU(True), nn.Linear(128, 128), nn.ReLU(True), nn.Linear(128, 1))
optimizerD = torch.optim.RMSprop(netD.parameters(), lr=5e-5)
optimizerG = torch.optim.RMSprop(netG.parameters(), lr=5e-5)
one = torch.FloatTensor([1])
mone = one * -1

for gen_iterations in range(60):
    for p in netD.parameters():
        p.requires_grad = True
    for _ in range(Diters):
        for p in netD.parameters():
            p.data.clamp_(clamp_lower, clamp_upper)
        real = Variable(data[torch.randint(0, len(data), (batch_size,))])
        netD.zero_grad()
        errD_real = netD(real).mean(0).view(1)
        errD_real.backward(one)
        noise = Variable(torch.randn(batch_size, nz))
        fake = Variable(netG(noise).data)
        errD_fake = netD(fake).mean(0).view(1)
        errD_fake.backward(mone)
        errD = errD_real - errD_fake
        optimizerD.step()

    for p in netD.parameters():
        p.requires_grad = False
    netG.zero_grad()
    errG = netD(netG(Variable(torch.randn(batch_size, nz)))).mean(0).view(1)
    errG.backward(one)
    optimizerG.step()
    if gen_iterations % 20 == 0:
        print(f"[{gen_iterations}] Loss_D: {errD.item():.4f} Loss_G: {errG.item():.4f}")
