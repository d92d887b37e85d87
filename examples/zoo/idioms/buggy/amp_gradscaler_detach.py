"""Idiom: autocast + GradScaler mixed precision; the G step reuses the detached fake.

Forward passes and losses under ``torch.autocast(device_type, dtype)`` (bfloat16 on CPU); one
``torch.amp.GradScaler`` per network: ``scaler.scale(loss).backward(); scaler.step(opt);
scaler.update()``. GradScaler('cpu') works in current torch, so the scalers stay enabled here.
"""
# doctor: max-steps 20
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

device = "cuda" if torch.cuda.is_available() else "cpu"
amp_dtype = torch.float16 if device == "cuda" else torch.bfloat16
torch.manual_seed(0)

digits = torch.tensor(load_digits().data, dtype=torch.float32) / 8.0 - 1.0
loader = DataLoader(TensorDataset(digits), batch_size=64, shuffle=True, drop_last=True)


class Generator(nn.Module):
    def __init__(self, nz=32):
        super().__init__()
        self.nz = nz
        self.fc = nn.Sequential(nn.Linear(nz, 256), nn.ReLU(inplace=True), nn.Linear(256, 64), nn.Tanh())

    def forward(self, z):
        return self.fc(z)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(64, 256), nn.LeakyReLU(0.2, inplace=True), nn.Linear(256, 1))

    def forward(self, x):
        return self.fc(x)


gen, disc = Generator().to(device), Discriminator().to(device)
opt_gen = torch.optim.Adam(gen.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_disc = torch.optim.Adam(disc.parameters(), lr=2e-4, betas=(0.5, 0.999))
scaler_gen = torch.amp.GradScaler(device)
scaler_disc = torch.amp.GradScaler(device)

for epoch in range(40):
    for (real,) in loader:
        real = real.to(device)
        b = real.size(0)
        noise = torch.randn(b, gen.nz, device=device)

        with torch.autocast(device_type=device, dtype=amp_dtype):
            fake = gen(noise)
            out_real = disc(real)
            out_fake = disc(fake.detach())
            loss_disc = F.binary_cross_entropy_with_logits(out_real, torch.ones_like(out_real)) + \
                F.binary_cross_entropy_with_logits(out_fake, torch.zeros_like(out_fake))
        opt_disc.zero_grad(set_to_none=True)
        scaler_disc.scale(loss_disc).backward()
        scaler_disc.step(opt_disc)
        scaler_disc.update()

        with torch.autocast(device_type=device, dtype=amp_dtype):
            output = disc(fake.detach())  # doctor: expect generator-no-gradient
            loss_gen = F.binary_cross_entropy_with_logits(output, torch.ones_like(output))
        opt_gen.zero_grad(set_to_none=True)
        scaler_gen.scale(loss_gen).backward()
        scaler_gen.step(opt_gen)
        scaler_gen.update()
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  loss_disc {loss_disc.item():.3f}  loss_gen {loss_gen.item():.3f}  "
              f"scale {scaler_gen.get_scale():.0f}")
