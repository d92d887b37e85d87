"""What the doctor costs: the same GAN loop with and without ``gandoctor.watch()``, in one run.

Run: .venv/bin/python benchmarks/doctor_overhead.py [REPEATS]   (default 11; about a minute on 2 CPU cores)
     .venv/bin/python benchmarks/doctor_overhead.py --against REV [REPEATS]
       the same measurement for this checkout's doctor and for the one at git revision REV, each
       repetition in a fresh process, the two versions alternating: "no regression" is a ratio of
       ratios measured in one run, not a comparison with a figure from another day.

For an MLP GAN on MNIST and a small DCGAN (32x32 cat faces), each repetition trains a freshly seeded
copy for a short while once without and once with the doctor, alternating which goes first, and times
every iteration. It prints, as medians over the repetitions:
- the probe cost: the first PROBE_ITERS iterations (the doctor's heavy instruments) with / without;
- the steady-state ratio: mean iteration time with / without after the probe (target: <= 1.03), in CPU
  time of this process (time.process_time, one thread), so other processes on a shared machine count
  less; still about +-3% noisy from run to run;
- the hook share: wall time spent inside the doctor's own hook code after the probe (summed by the
  recorder, ``Recorder.hook_seconds``) as a fraction of the doctor run's wall time over the same
  iterations. It does not depend on a second run, so it is the noise-robust figure; it leaves out torch's
  own dispatch of the hooks (a few function calls per step), which only the ratio sees;
- whether the losses are bitwise equal with and without the doctor for the same seed.
Data comes from ../shared/data; sklearn's digits stand in when it is absent (said in the output).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import gandoctor

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PROBE_ITERS = 3  # the probe ends once every optimizer has stepped twice; one more to be safe


def mnist_vectors() -> tuple[torch.Tensor, str]:
    path = SHARED / "mnist" / "t10k-images-idx3-ubyte.gz"
    if path.exists():
        with gzip.open(path) as f:
            x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
        return torch.from_numpy(x.astype(np.float32) / 127.5 - 1), "MNIST t10k"
    from sklearn.datasets import load_digits

    return torch.tensor(load_digits().data, dtype=torch.float32) / 8 - 1, "sklearn digits (MNIST absent)"


def cat_images(n: int = 256) -> tuple[torch.Tensor, str]:
    files = sorted((SHARED / "cats64").glob("*.jpg"))[:n]
    if files:
        from PIL import Image

        arrays = [np.asarray(Image.open(f).convert("RGB").resize((32, 32)), np.float32) for f in files]
        x = torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2) / 127.5 - 1
        return x, "cats64 (32x32)"
    from sklearn.datasets import load_digits

    x = torch.tensor(load_digits().images, dtype=torch.float32).unsqueeze(1) / 8 - 1
    return F.interpolate(x, size=32).repeat(1, 3, 1, 1), "sklearn digits at 32x32 (cats64 absent)"


def mlp_gan(dim: int) -> tuple[nn.Module, nn.Module, int]:
    g = nn.Sequential(nn.Linear(100, 256), nn.LeakyReLU(0.2), nn.Linear(256, dim), nn.Tanh())
    d = nn.Sequential(nn.Linear(dim, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1))
    return g, d, 100


def dcgan(nz: int = 64, ch: int = 32) -> tuple[nn.Module, nn.Module, int]:
    g = nn.Sequential(
        nn.Unflatten(1, (nz, 1, 1)),
        nn.ConvTranspose2d(nz, ch * 4, 4, 1, 0, bias=False), nn.BatchNorm2d(ch * 4), nn.ReLU(True),
        nn.ConvTranspose2d(ch * 4, ch * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ch * 2), nn.ReLU(True),
        nn.ConvTranspose2d(ch * 2, ch, 4, 2, 1, bias=False), nn.BatchNorm2d(ch), nn.ReLU(True),
        nn.ConvTranspose2d(ch, 3, 4, 2, 1, bias=False), nn.Tanh(),
    )
    d = nn.Sequential(
        nn.Conv2d(3, ch, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ch, ch * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ch * 2), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ch * 2, ch * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ch * 4), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ch * 4, 1, 4, 1, 0, bias=False), nn.Flatten(),
    )
    return g, d, nz


@dataclass
class Timing:
    cpu: list[float]  # CPU seconds per iteration
    wall: list[float]  # wall seconds per iteration
    losses: list[float]
    hook_seconds: float = 0.0  # the doctor's hook code after the probe (doctor runs only)


def train(make: Callable[[], tuple[nn.Module, nn.Module, int]], data: torch.Tensor, iters: int, batch: int,
          with_doctor: bool) -> Timing:
    """One seeded training run, timed per iteration."""
    torch.manual_seed(0)
    g, d, nz = make()
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)
    timing = Timing([], [], [])
    losses = []
    doctor = gandoctor.watch() if with_doctor else None
    if doctor is not None:
        doctor.rec.hook_seconds = 0.0
    hooks_at_probe_end = 0.0
    with doctor if doctor is not None else nullcontext():
        for i in range(iters):
            if doctor is not None and i == PROBE_ITERS:
                hooks_at_probe_end = doctor.rec.hook_seconds or 0.0
            cpu, wall = time.process_time(), time.perf_counter()
            real = data[torch.randint(0, len(data), (batch,))]
            fake = g(torch.randn(batch, nz))
            opt_d.zero_grad()
            loss_d = F.binary_cross_entropy_with_logits(d(real), ones) + \
                F.binary_cross_entropy_with_logits(d(fake.detach()), zeros)
            loss_d.backward()
            opt_d.step()
            opt_g.zero_grad()
            loss_g = F.binary_cross_entropy_with_logits(d(fake), ones)
            loss_g.backward()
            opt_g.step()
            timing.cpu.append(time.process_time() - cpu)
            timing.wall.append(time.perf_counter() - wall)
            losses += [loss_d.detach(), loss_g.detach()]
    if doctor is not None:
        timing.hook_seconds = (doctor.rec.hook_seconds or 0.0) - hooks_at_probe_end
    timing.losses = [float(v) for v in losses]
    return timing


def measure(name: str, make, data: torch.Tensor, iters: int, batch: int, repeats: int) -> dict[str, float]:
    plain_probe, doctor_probe, plain_steady, doctor_steady, hook_share = [], [], [], [], []
    equal = True
    for r in range(repeats):
        order = (False, True) if r % 2 == 0 else (True, False)  # interleaved, alternating who goes first
        runs = {flag: train(make, data, iters, batch, flag) for flag in order}
        plain, doc = runs[False], runs[True]
        equal &= plain.losses == doc.losses
        plain_probe.append(sum(plain.cpu[:PROBE_ITERS]))
        doctor_probe.append(sum(doc.cpu[:PROBE_ITERS]))
        # the mean, not the median: the doctor's periodic work (every 5th and 20th step) must count
        plain_steady.append(statistics.fmean(plain.cpu[PROBE_ITERS:]))
        doctor_steady.append(statistics.fmean(doc.cpu[PROBE_ITERS:]))
        hook_share.append(doc.hook_seconds / sum(doc.wall[PROBE_ITERS:]))
    result = {
        "steady_ratio": statistics.median(d / p for d, p in zip(doctor_steady, plain_steady, strict=True)),
        "steady_plain_ms": 1e3 * statistics.median(plain_steady),
        "steady_doctor_ms": 1e3 * statistics.median(doctor_steady),
        "hook_share": statistics.median(hook_share),
        "probe_ratio": statistics.median(doctor_probe) / statistics.median(plain_probe),
        "probe_extra_ms": 1e3 * (statistics.median(doctor_probe) - statistics.median(plain_probe)),
        "bitwise_equal": float(equal),
    }
    r = result
    ratios = sorted(d / p for d, p in zip(doctor_steady, plain_steady, strict=True))
    print(f"{name}\n"
          f"  after the probe: {r['steady_doctor_ms']:.2f} ms vs {r['steady_plain_ms']:.2f} ms CPU"
          " per iteration, "
          f"ratio {r['steady_ratio']:.3f} (repetitions {ratios[0]:.3f}..{ratios[-1]:.3f}); "
          f"time in the doctor's hooks: {100 * r['hook_share']:.2f}% of step time\n"
          f"  first {PROBE_ITERS} iterations (probe): ratio {r['probe_ratio']:.1f}, "
          f"+{r['probe_extra_ms']:.0f} ms | losses bitwise equal: {equal}")
    return result


def main(repeats: int = 11, quiet: bool = False) -> dict[str, dict[str, float]]:
    torch.set_num_threads(1)
    vectors, vectors_name = mnist_vectors()
    images, images_name = cat_images()
    if not quiet:
        print(f"torch {torch.__version__}, 1 thread, {repeats} interleaved repetitions per model")
    out = {}
    with contextlib.redirect_stdout(io.StringIO()) if quiet else nullcontext():
        out["MLP GAN"] = measure(f"MLP GAN, {vectors_name}", lambda: mlp_gan(vectors.shape[1]), vectors,
                                 120, 64, repeats)
        out["DCGAN"] = measure(f"DCGAN, {images_name}", dcgan, images, 24, 32, repeats)
    return out


def against(rev: str, repeats: int) -> None:
    """This checkout's doctor against revision ``rev``'s, alternating fresh processes."""
    here = Path(__file__).resolve()
    repo = here.parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(repo), "archive", rev, "src"], capture_output=True,
                                 check=True)
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        sources = {"this checkout": str(repo / "src"), rev: str(Path(tmp) / "src")}
        results: dict[str, list[dict]] = {name: [] for name in sources}
        for r in range(repeats):
            names = list(sources) if r % 2 == 0 else list(reversed(sources))
            for name in names:
                env = {**os.environ, "PYTHONPATH": sources[name]}
                done = subprocess.run([sys.executable, str(here), "--one"], env=env, capture_output=True,
                                      text=True, check=True)
                results[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"torch {torch.__version__}, 1 thread; {repeats} alternating processes per version")
    for model in ("MLP GAN", "DCGAN"):
        print(model)
        medians = {}
        for name, runs in results.items():
            ratio = statistics.median(run[model]["steady_ratio"] for run in runs)
            share = statistics.median(run[model]["hook_share"] for run in runs)
            medians[name] = ratio
            print(f"  {name:14s} with/without the doctor {ratio:.3f}, hooks {100 * share:.2f}% of step time")
        print(f"  this checkout / {rev}: {medians['this checkout'] / medians[rev]:.3f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(main(1, quiet=True)))
    elif sys.argv[1:2] == ["--against"]:
        against(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 11)
