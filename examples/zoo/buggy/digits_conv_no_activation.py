"""Small conv GAN on 8x8 digits; the discriminator's conv stack forgot its activations."""
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

imgs = torch.tensor(load_digits().images, dtype=torch.float32).unsqueeze(1) / 8.0 - 1.0
loader = DataLoader(TensorDataset(imgs), batch_size=32, shuffle=True, drop_last=True)
torch.manual_seed(0)

netG = nn.Sequential(
    nn.ConvTranspose2d(16, 32, 4, 1, 0), nn.BatchNorm2d(32), nn.ReLU(),
    nn.ConvTranspose2d(32, 1, 4, 2, 1), nn.Tanh(),
)
netD = nn.Sequential(
    nn.Conv2d(1, 32, 4, 2, 1),  # doctor: expect linear-without-activation
    nn.Conv2d(32, 64, 4, 1, 0),
    nn.Flatten(),
    nn.Linear(64, 1),
)
criterion = nn.BCEWithLogitsLoss()
optD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
optG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))

for epoch in range(20):
    for (x,) in loader:
        z = torch.randn(x.size(0), 16, 1, 1)
        fake = netG(z)
        netD.zero_grad()
        lossD = criterion(netD(x), torch.ones(x.size(0), 1)) + criterion(netD(fake.detach()), torch.zeros(x.size(0), 1))
        lossD.backward()
        optD.step()
        netG.zero_grad()
        lossG = criterion(netD(fake), torch.ones(x.size(0), 1))
        lossG.backward()
        optG.step()
    print(epoch, lossD.item(), lossG.item())
