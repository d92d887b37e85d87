"""DCGAN on cat faces (32x32 on the CPU), the way the PyTorch tutorial does it."""
# doctor: needs cats64
# doctor: max-steps 160
from pathlib import Path

import torch
import torch.nn as nn
import torchvision.transforms as T
from PIL import Image
from torch.utils.data import DataLoader, Dataset

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "cats64"
nz, ngf, ndf = 64, 16, 16


class Cats(Dataset):
    def __init__(self, root, transform, limit=512):
        self.paths = sorted(root.glob("*.jpg"))[:limit]
        self.transform = transform

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, i):
        return self.transform(Image.open(self.paths[i]).convert("RGB"))


transform = T.Compose([T.Resize(32), T.ToTensor(), T.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
dataloader = DataLoader(Cats(DATA, transform), batch_size=32, shuffle=True, drop_last=True)

torch.manual_seed(0)
netG = nn.Sequential(
    nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
    nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
    nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
    nn.ConvTranspose2d(ngf, 3, 4, 2, 1, bias=False), nn.Tanh(),
)
netD = nn.Sequential(
    nn.Conv2d(3, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
    nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, inplace=True),
    nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 4), nn.LeakyReLU(0.2, inplace=True),
    nn.Conv2d(ndf * 4, 1, 4, 1, 0, bias=False), nn.Sigmoid(), nn.Flatten(0),
)


def weights_init(m):
    if "Conv" in type(m).__name__:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif "BatchNorm" in type(m).__name__:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


netG.apply(weights_init)
netD.apply(weights_init)
criterion = nn.BCELoss()
optimizerD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
optimizerG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
fixed_noise = torch.randn(16, nz, 1, 1)

for epoch in range(5):
    for i, real in enumerate(dataloader):
        b = real.size(0)
        netD.zero_grad()
        errD_real = criterion(netD(real), torch.full((b,), 1.0))
        errD_real.backward()
        fake = netG(torch.randn(b, nz, 1, 1))
        errD_fake = criterion(netD(fake.detach()), torch.full((b,), 0.0))
        errD_fake.backward()
        optimizerD.step()

        netG.zero_grad()
        errG = criterion(netD(fake), torch.full((b,), 1.0))
        errG.backward()
        optimizerG.step()
        if i % 5 == 0:
            print(epoch, i, (errD_real + errD_fake).item(), errG.item())
    with torch.no_grad():
        samples = netG(fixed_noise)
