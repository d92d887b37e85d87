"""`gandoctor sample RUN_DIR -n N -o FILE.npz`: generated images from a run's checkpoint.

Writes ``images``: uint8, N x C x H x W, from the EMA generator when the run kept one.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gandoctor.errors import UsageError


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("sample", help="write generated images from a run's checkpoint to .npz")
    p.add_argument("run_dir", metavar="RUN_DIR", help="a folder written by 'gandoctor train'")
    p.add_argument("-n", type=int, default=64, help="number of images (default 64)")
    p.add_argument("-o", "--output", required=True, help="output .npz file")
    p.add_argument("--best", action="store_true", help="use checkpoints/best.pt instead of the last one")
    p.add_argument("--seed", type=int, default=0, help="noise seed (default 0)")
    p.add_argument("--device", default="auto", help="auto | cpu | cuda[:N] | mps")
    return p


def run(args: argparse.Namespace) -> int:
    import numpy as np
    import torch

    from gandoctor.train.device import pick_device
    from gandoctor.train.samples import load_generator, to_uint8

    run_dir = Path(args.run_dir)
    if not run_dir.is_dir():
        raise UsageError(f"run folder not found: {run_dir}")
    if args.n < 1:
        raise UsageError(f"-n must be at least 1, got {args.n}")
    device = pick_device(args.device)
    G, cfg, step = load_generator(run_dir, best=args.best)
    G.to(device)
    generator = torch.Generator(device=device).manual_seed(args.seed)
    chunks = []
    with torch.no_grad():
        for i in range(0, args.n, 256):
            z = torch.randn(min(256, args.n - i), cfg.z_dim, generator=generator, device=device)
            chunks.append(to_uint8(G(z)))
    images = np.concatenate(chunks)
    output = Path(args.output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(output, images=images)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror}") from None
    print(f"wrote {len(images)} images {images.shape[1:]} from step {step} to {output}")
    return 0

