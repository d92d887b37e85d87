"""Idiom: a torchrun-ready DCGAN-style script with DistributedDataParallel around G and D.

One gloo process when started with plain python (a file store, world size 1), as many as torchrun gives
otherwise; a DistributedSampler with set_epoch, BatchNorm in G, rank-0 logging, D's real and fake
losses backpropagated separately like pytorch/examples.
"""
# doctor: max-steps 300
import os
import tempfile

import torch
import torch.distributed as dist
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

NZ = 16


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(NZ, 64, 4, 1, 0, bias=False), nn.BatchNorm2d(64), nn.ReLU(True),
            nn.ConvTranspose2d(64, 1, 4, 2, 1, bias=False), nn.Tanh(),
        )

    def forward(self, z):
        return self.main(z)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(1, 64, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(64, 1, 4, 1, 0, bias=False), nn.Flatten(),
        )

    def forward(self, x):
        return self.main(x)


def setup():
    if "RANK" in os.environ:
        dist.init_process_group("gloo")
    else:
        store = tempfile.NamedTemporaryFile(delete=False).name
        dist.init_process_group("gloo", init_method=f"file://{store}", rank=0, world_size=1)
    return dist.get_rank()


def main():
    rank = setup()
    try:
        train(rank)
    finally:
        dist.destroy_process_group()


def train(rank):
    torch.manual_seed(0)
    images = torch.tensor(load_digits().images, dtype=torch.float32).unsqueeze(1) / 8.0 - 1.0
    dataset = TensorDataset(images)
    sampler = DistributedSampler(dataset, shuffle=True, seed=0)
    loader = DataLoader(dataset, batch_size=64, sampler=sampler, drop_last=True)
    netG = DistributedDataParallel(Generator())
    netD = DistributedDataParallel(Discriminator())
    criterion = nn.BCEWithLogitsLoss()
    optimizerD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optimizerG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
    for epoch in range(30):
        sampler.set_epoch(epoch)
        for (real,) in loader:
            b = real.size(0)
            netD.zero_grad()
            errD_real = criterion(netD(real), torch.ones(b, 1))
            errD_real.backward()
            fake = netG(torch.randn(b, NZ, 1, 1))
            errD_fake = criterion(netD(fake.detach()), torch.zeros(b, 1))
            errD_fake.backward()
            optimizerD.step()

            netG.zero_grad()
            errG = criterion(netD(fake), torch.ones(b, 1))
            errG.backward()
            optimizerG.step()
        if rank == 0 and epoch % 5 == 0:
            print(f"[{epoch}] Loss_D {errD_real.item() + errD_fake.item():.3f} Loss_G {errG.item():.3f}")


if __name__ == "__main__":
    main()
