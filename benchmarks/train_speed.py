"""Is `gandoctor train` at least as fast as a plain PyTorch loop over the same model? Ratios from one run.

Run: .venv/bin/python benchmarks/train_speed.py [REPEATS]   (default 3; about five minutes on 2 CPU cores)

For the MLP GAN and DCGAN-32, each repetition runs, in this process and in rotating order:
- plain: a loop written the way pytorch/examples' DCGAN is (separate D backward passes for real and
  fake, ``.item()`` on D(x) and D(G(z)) every step), over the very same models, data and batch size;
- gandoctor: ``gandoctor.train.loop.train`` without the doctor, and with it.
``train`` also loads data and builds models, so its per-step cost is measured as the difference between
a run of 2N steps and a run of N steps (setup cancels), after one warm-up run that pays the imports.
Time is the CPU time of this process with torch pinned to one thread, so that other programs on a
shared machine move the ratios less. Printed: images/s (median over repetitions) and the ratios
gandoctor / plain (>= 1.0 means gandoctor is at least as fast).
Data: MNIST from ../shared/data when present, else scikit-learn's digits (said in the output).
No GPU figures here: on a machine with CUDA, pass --device cuda to compare there (wall-clock time).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import torch
from torch import nn

from gandoctor.train.config import FOUNDING, TrainConfig
from gandoctor.train.data import load_data
from gandoctor.train.loop import train
from gandoctor.train.models import build_models

SHARED_MNIST = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mnist"


def plain_loop(cfg: TrainConfig, images: torch.Tensor, steps: int, device: torch.device) -> None:
    """A GAN loop as users write it after pytorch/examples' DCGAN (our own code, same models)."""
    torch.manual_seed(cfg.seed)
    netG, netD = build_models(cfg, tuple(images.shape[1:]))
    netG, netD = netG.to(device), netD.to(device)
    criterion = nn.BCEWithLogitsLoss()
    optimizerD = torch.optim.Adam(netD.parameters(), lr=cfg.lr_d, betas=(cfg.beta1, cfg.beta2))
    optimizerG = torch.optim.Adam(netG.parameters(), lr=cfg.lr_g, betas=(cfg.beta1, cfg.beta2))
    b = cfg.batch_size
    order, position = torch.randperm(len(images)), 0
    for _ in range(steps):
        if position + b > len(images):
            order, position = torch.randperm(len(images)), 0
        real = images[order[position : position + b].to(device)].float() / 127.5 - 1.0
        position += b
        # (1) Update D: maximize log(D(x)) + log(1 - D(G(z)))
        netD.zero_grad()
        label = torch.full((b,), 1.0, device=device)
        output = netD(real).view(-1)
        errD_real = criterion(output, label)
        errD_real.backward()
        D_x = output.sigmoid().mean().item()
        noise = torch.randn(b, cfg.z_dim, device=device)
        fake = netG(noise)
        label.fill_(0.0)
        output = netD(fake.detach()).view(-1)
        errD_fake = criterion(output, label)
        errD_fake.backward()
        D_G_z1 = output.sigmoid().mean().item()
        optimizerD.step()
        # (2) Update G: maximize log(D(G(z)))
        netG.zero_grad()
        label.fill_(1.0)
        output = netD(fake).view(-1)
        errG = criterion(output, label)
        errG.backward()
        D_G_z2 = output.sigmoid().mean().item()
        optimizerG.step()
        del D_x, D_G_z1, D_G_z2  # the examples print these every step; reading them is the cost


def cpu_seconds(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def gandoctor_seconds_per_step(cfg: TrainConfig, steps: int) -> float:
    def run(n: int) -> float:
        with tempfile.TemporaryDirectory() as tmp:
            run_cfg = replace(cfg, steps=n, run_dir=str(Path(tmp) / "run"))
            return cpu_seconds(lambda: train(run_cfg))

    return (run(2 * steps) - run(steps)) / steps


def bench(label: str, cfg: TrainConfig, steps: int, repeats: int) -> dict[str, float]:
    device = torch.device(cfg.device)
    images = load_data(cfg.data, cfg.image_size).images.to(device)
    gandoctor_seconds_per_step(replace(cfg, doctor=True), 2)  # warm-up: one-time imports are not steps
    plain_loop(cfg, images, 2, device)
    runs: dict[str, list[float]] = {"plain": [], "gandoctor": [], "gandoctor+doctor": []}
    for rep in range(repeats):
        jobs = {
            "plain": lambda: cpu_seconds(lambda: plain_loop(cfg, images, steps, device)) / steps,
            "gandoctor": lambda: gandoctor_seconds_per_step(replace(cfg, doctor=False), steps),
            "gandoctor+doctor": lambda: gandoctor_seconds_per_step(replace(cfg, doctor=True), steps),
        }
        names = list(jobs)
        for name in names[rep % 3 :] + names[: rep % 3]:  # rotate the order between repetitions
            runs[name].append(cfg.batch_size / jobs[name]())
    ips = {name: statistics.median(values) for name, values in runs.items()}
    print(f"{label}: " + ", ".join(f"{name} {v:,.0f} img/s" for name, v in ips.items()))
    print(f"  ratio gandoctor / plain          {ips['gandoctor'] / ips['plain']:.2f}")
    print(f"  ratio gandoctor+doctor / plain   {ips['gandoctor+doctor'] / ips['plain']:.2f}")
    return ips


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    torch.set_num_threads(1)
    if (SHARED_MNIST / "t10k-images-idx3-ubyte.gz").exists():
        data, source = f"mnist:{SHARED_MNIST}", "MNIST t10k (../shared/data)"
    else:
        data, source = "digits", "scikit-learn digits (MNIST not found)"
    print(f"torch {torch.__version__}, CPU, 1 thread, data: {source}, {repeats} repetitions")
    # the plain recipe (BCE, no spectral norm, BatchNorm in the MLP G or EMA), which plain_loop also runs
    base = TrainConfig(data=data, batch_size=64, quiet=True, threads=1, device="cpu", log_every=20,
                       sample_every=10**6, ckpt_every=10**6, **FOUNDING)  # fmt: skip
    bench("MLP GAN 28x28 (256,256)", replace(base, model="mlp"), steps=300, repeats=repeats)
    dcgan = replace(base, model="dcgan", image_size=32, ngf=32, ndf=32)  # half width: CPU minutes, not hours
    bench("DCGAN-32 (ngf=ndf=32)", dcgan, steps=10, repeats=repeats)


if __name__ == "__main__":
    main()
