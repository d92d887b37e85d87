"""`gandoctor demo`: one corrected GAN trained in under a minute, then the doctor on a founding bug.

1. The corrected MLP GAN on scikit-learn's digits (no download) into ``runs/demo``.
2. The same GAN with report 1's mistake (``--bug detach-generator``) and the doctor attached,
   into ``runs/demo-detach-generator``, printing what the doctor found.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("demo", help="train a GAN on digits in under a minute, then diagnose a broken one")
    p.add_argument("--steps", type=int, default=1500, help="steps of the corrected run (default 1500)")
    p.add_argument("--bug-steps", type=int, default=300, help="steps of the broken run (default 300)")
    p.add_argument("--runs", default="runs", help="folder for the two run folders (default runs)")
    return p


def run(args: argparse.Namespace) -> int:
    from gandoctor.errors import UsageError
    from gandoctor.train.config import TrainConfig
    from gandoctor.train.loop import train

    if args.steps < 1 or args.bug_steps < 1:
        raise UsageError("--steps and --bug-steps must be at least 1")
    runs = Path(args.runs)
    print(f"[1/2] training the corrected MLP GAN on scikit-learn digits for {args.steps} steps ...")
    good = train(TrainConfig(steps=args.steps, run_dir=str(runs / "demo"), ema=0.99, quiet=True,
                             sample_every=max(args.steps // 3, 1), ckpt_every=args.steps), overwrite=True)
    grids = sorted((good.run_dir / "samples").glob("*.png"))
    print(f"      D loss {good.last['d_loss']:.3f}, G loss {good.last['g_loss']:.3f} at step {good.step}")
    print(f"      sample grids: {', '.join(str(g) for g in grids)}")
    print(f"      loss curves:  {good.run_dir / 'loss.png'}")
    print(f"      report:       {good.run_dir / 'report.html'} (Chinese: report.zh.html)")

    print(f"\n[2/2] the same GAN with report 1's bug (--bug detach-generator), {args.bug_steps} steps, "
          "doctor attached ...")
    bad = train(TrainConfig(steps=args.bug_steps, run_dir=str(runs / "demo-detach-generator"),
                            bug="detach-generator", sample_every=args.bug_steps, ckpt_every=args.bug_steps,
                            quiet=True), overwrite=True)
    print(f"      D loss {bad.last['d_loss']:.4f} (toward 0), G loss {bad.last['g_loss']:.2f} (rising), "
          f"G gradient norm {bad.last['g_grad_norm']:.1f}")
    print(bad.doctor_report.rstrip())
    print(f"      findings JSON: {bad.run_dir / 'findings.json'}; report: {bad.run_dir / 'report.html'}")
    print("\nOn your own script: gandoctor run your_train.py  (see README.md)")
    return 0
