"""MNIST through a torchvision transform pipeline, the way most tutorials load images.

Idiom: a ``Dataset`` that returns PIL images, ``transforms.Compose([transforms.ToTensor(),
transforms.Normalize((0.5,), (0.5,))])`` applied inside the DataLoader, an MLP GAN with a tanh output,
BCE on sigmoid outputs, ``for i, (imgs, _) in enumerate(dataloader)``.
"""
# doctor: max-steps 300
# doctor: needs mnist
import gzip
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms

ROOT = Path(__file__).resolve().parents[4].parent / "shared" / "data" / "mnist"
torch.manual_seed(0)


class MnistImages(Dataset):
    def __init__(self, root, transform=None, n=4096):
        with gzip.open(root / "t10k-images-idx3-ubyte.gz") as f:
            self.images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)[:n]
        self.transform = transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        img = Image.fromarray(self.images[i], mode="L")
        return (self.transform(img) if self.transform else img), 0


transform = transforms.Compose([
    transforms.ToTensor(),
    transforms.Normalize((0.5,), (0.5,)),
])
dataloader = DataLoader(MnistImages(ROOT, transform), batch_size=64, shuffle=True, drop_last=True)

G = nn.Sequential(nn.Linear(64, 256), nn.LeakyReLU(0.2), nn.Linear(256, 784), nn.Tanh())
D = nn.Sequential(nn.Linear(784, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1), nn.Sigmoid())
criterion = nn.BCELoss()
opt_G = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_D = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))

for epoch in range(5):
    for i, (imgs, _) in enumerate(dataloader):
        real = imgs.view(imgs.size(0), -1)
        ones, zeros = torch.ones(real.size(0), 1), torch.zeros(real.size(0), 1)
        fake = G(torch.randn(real.size(0), 64))

        opt_D.zero_grad()
        loss_D = criterion(D(real), ones) + criterion(D(fake.detach()), zeros)
        loss_D.backward()
        opt_D.step()

        opt_G.zero_grad()
        loss_G = criterion(D(fake), ones)
        loss_G.backward()
        opt_G.step()
    print(f"epoch {epoch} loss_D {loss_D.item():.3f} loss_G {loss_G.item():.3f}")
