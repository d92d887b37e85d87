"""AC-GAN on a ring of 8 Gaussians, the mode index as the class label.

The discriminator returns the class head's raw logits, which go into ``nn.CrossEntropyLoss()``.
G gets the label as a one-hot vector concatenated to the noise.
"""
# doctor: max-steps 400
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

np.random.seed(1)
torch.manual_seed(1)
N_MODES, Z_DIM, BATCH = 8, 8, 128


def sample_ring(n):
    k = np.random.randint(0, N_MODES, n)
    theta = 2 * math.pi * k / N_MODES
    xy = 2.0 * np.stack([np.cos(theta), np.sin(theta)], axis=1) + 0.05 * np.random.randn(n, 2)
    return torch.from_numpy(xy).float(), torch.from_numpy(k).long()


class G(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(Z_DIM + N_MODES, 128)
        self.fc2 = nn.Linear(128, 128)
        self.out = nn.Linear(128, 2)

    def forward(self, z, y):
        h = torch.cat([z, F.one_hot(y, N_MODES).float()], dim=1)
        h = F.relu(self.fc1(h))
        h = F.relu(self.fc2(h))
        return self.out(h)


class D(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 128)
        self.fc2 = nn.Linear(128, 128)
        self.fc_dis = nn.Linear(128, 1)
        self.fc_aux = nn.Linear(128, N_MODES)

    def forward(self, x):
        h = F.leaky_relu(self.fc1(x), 0.2)
        h = F.leaky_relu(self.fc2(h), 0.2)
        realfake = self.fc_dis(h)
        classes = self.fc_aux(h)
        return realfake, classes


netG, netD = G(), D()
dis_criterion = nn.BCEWithLogitsLoss()
aux_criterion = nn.CrossEntropyLoss()
optG = torch.optim.Adam(netG.parameters(), lr=1e-3, betas=(0.5, 0.999))
optD = torch.optim.Adam(netD.parameters(), lr=1e-3, betas=(0.5, 0.999))
ones, zeros = torch.ones(BATCH, 1), torch.zeros(BATCH, 1)

for it in range(1000):
    real, real_y = sample_ring(BATCH)
    noise = torch.randn(BATCH, Z_DIM)
    fake_y = torch.randint(0, N_MODES, (BATCH,))
    fake = netG(noise, fake_y)

    # update D
    netD.zero_grad()
    s_real, c_real = netD(real)
    s_fake, c_fake = netD(fake.detach())
    errD = dis_criterion(s_real, ones) + dis_criterion(s_fake, zeros) \
        + aux_criterion(c_real, real_y) + aux_criterion(c_fake, fake_y)
    errD.backward()
    optD.step()

    # update G
    netG.zero_grad()
    s_fake, c_fake = netD(fake)
    errG = dis_criterion(s_fake, ones) + aux_criterion(c_fake, fake_y)
    errG.backward()
    optG.step()

    if it % 250 == 0:
        acc = (c_real.argmax(1) == real_y).float().mean().item()
        print(f"it {it:4d}  errD {errD.item():.3f}  errG {errG.item():.3f}  aux acc on real {acc:.2f}")
