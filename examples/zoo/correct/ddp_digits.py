"""Digits GAN wrapped in DistributedDataParallel (gloo, one CPU process here; torchrun gives more)."""
import os
import tempfile

import torch
import torch.distributed as dist
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler


def main():
    if "RANK" in os.environ:  # started by torchrun
        dist.init_process_group("gloo")
    else:
        store = tempfile.NamedTemporaryFile(delete=False)
        dist.init_process_group("gloo", init_method=f"file://{store.name}", rank=0, world_size=1)
    try:
        train()
    finally:
        dist.destroy_process_group()


def train():
    torch.manual_seed(0)
    data = TensorDataset(torch.tensor(load_digits().data, dtype=torch.float32) / 8 - 1)
    sampler = DistributedSampler(data, shuffle=True)
    loader = DataLoader(data, batch_size=64, sampler=sampler, drop_last=True)
    netG = DDP(nn.Sequential(nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 64), nn.Tanh()))
    netD = DDP(nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1)))
    optG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
    criterion = nn.BCEWithLogitsLoss()
    for epoch in range(20):
        sampler.set_epoch(epoch)
        for (real,) in loader:
            b = real.size(0)
            fake = netG(torch.randn(b, 16))
            optD.zero_grad()
            lossD = criterion(netD(real), torch.ones(b, 1)) + criterion(netD(fake.detach()), torch.zeros(b, 1))
            lossD.backward()
            optD.step()
            optG.zero_grad()
            lossG = criterion(netD(fake), torch.ones(b, 1))
            lossG.backward()
            optG.step()
        if dist.get_rank() == 0:
            print(epoch, lossD.item(), lossG.item())


if __name__ == "__main__":
    main()
