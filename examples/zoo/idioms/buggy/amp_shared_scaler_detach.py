"""Idiom: AMP with one shared, CUDA-only GradScaler; the G step scores the detached sample.

Common in scripts that must also run on a laptop: autocast picks bfloat16 on the CPU and the scaler
becomes a pass-through there. One scaler serves both optimizers, as the AMP notes allow: scale each
loss, ``scaler.step`` each optimizer, ``scaler.update()`` once per iteration. Ring of 8 Gaussians.
"""
# doctor: max-steps 20
import math

import torch
from torch import nn

use_cuda = torch.cuda.is_available()
dev = torch.device("cuda" if use_cuda else "cpu")
torch.manual_seed(1)


def ring(n):
    t = torch.randint(0, 8, (n,), device=dev) * (2 * math.pi / 8)
    return 2.0 * torch.stack((t.cos(), t.sin()), dim=1) + 0.05 * torch.randn(n, 2, device=dev)


def mlp(i, o):
    return nn.Sequential(nn.Linear(i, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, o))


g_net, d_net = mlp(8, 2).to(dev), mlp(2, 1).to(dev)
g_optim = torch.optim.Adam(g_net.parameters(), lr=1e-3, betas=(0.5, 0.999))
d_optim = torch.optim.Adam(d_net.parameters(), lr=1e-3, betas=(0.5, 0.999))
scaler = torch.amp.GradScaler(dev.type, enabled=use_cuda)
crit = nn.BCEWithLogitsLoss()
ones, zeros = torch.ones(256, 1, device=dev), torch.zeros(256, 1, device=dev)

for i in range(1500):
    x = ring(256)
    with torch.autocast(dev.type, dtype=torch.float16 if use_cuda else torch.bfloat16):
        gz = g_net(torch.randn(256, 8, device=dev))
        d_loss = crit(d_net(x), ones) + crit(d_net(gz.detach()), zeros)
    d_optim.zero_grad()
    scaler.scale(d_loss).backward()
    scaler.step(d_optim)

    with torch.autocast(dev.type, dtype=torch.float16 if use_cuda else torch.bfloat16):
        g_loss = crit(d_net(gz.detach()), ones)  # doctor: expect generator-no-gradient
    g_optim.zero_grad()
    scaler.scale(g_loss).backward()
    scaler.step(g_optim)
    scaler.update()
    if i % 150 == 0:
        print(f"{i:5d}  d_loss {d_loss.item():.3f}  g_loss {g_loss.item():.3f}")

with torch.no_grad():
    pts = g_net(torch.randn(2000, 8, device=dev)).float()
    k = torch.round(torch.atan2(pts[:, 1], pts[:, 0]) / (math.pi / 4)).remainder(8).long()
    print("points per mode:", torch.bincount(k, minlength=8).tolist(), "radius", pts.norm(dim=1).mean().item())
