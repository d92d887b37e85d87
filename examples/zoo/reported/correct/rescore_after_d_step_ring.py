"""Ring-of-Gaussians GAN: D scores ``fake.detach()`` for its own step; after ``optD.step()`` the fakes
are scored again by the updated D for the generator's loss."""
# doctor: max-steps 300
import numpy as np
import torch
import torch.nn as nn

np.random.seed(0)
torch.manual_seed(0)


def sample_data(batch):
    centers = [(2 * np.cos(a), 2 * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 8, endpoint=False)]
    idx = np.random.choice(8, batch)
    x = np.array([centers[i] for i in idx]) + 0.05 * np.random.randn(batch, 2)
    return torch.FloatTensor(x)


netG = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
netD = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1), nn.Sigmoid())
bce = nn.BCELoss()
optD = torch.optim.Adam(netD.parameters(), lr=1e-3, betas=(0.5, 0.999))
optG = torch.optim.Adam(netG.parameters(), lr=1e-3, betas=(0.5, 0.999))
batch = 128
ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)

for step in range(1500):
    real = sample_data(batch)
    fake = netG(torch.randn(batch, 2))

    optD.zero_grad()
    lossD = bce(netD(real), ones) + bce(netD(fake.detach()), zeros)
    lossD.backward()
    optD.step()

    optG.zero_grad()
    d_fake = netD(fake)
    lossG = bce(d_fake, ones)
    lossG.backward()
    optG.step()

    if step % 300 == 0:
        print(f"step {step}  lossD {lossD.item():.4f}  lossG {lossG.item():.4f}")
