"""FID/KID sanity on real data: two disjoint halves of cats64 should be close, cats vs noise far.

Run: .venv/bin/python benchmarks/fid_cats.py [N]   (N images per side, default 1000; CPU minutes)
Uses the offline Inception weights (metrics/inception.py); prints the numbers and the timing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import torch

from gandoctor.data_files import image_files, read_images, to_signed
from gandoctor.metrics.evaluate import fid_kid, inception_features
from gandoctor.metrics.inception import find_weights, load_inception

CATS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "cats64"


def main(n: int = 1000) -> None:
    files = image_files(CATS)
    if len(files) < 2 * n:
        raise SystemExit(f"need {2 * n} images in {CATS}, found {len(files)}")
    half_a, half_b = files[:n], files[len(files) // 2 : len(files) // 2 + n]  # disjoint halves
    inception = load_inception()
    print(f"weights: {find_weights()}; {n} images per side, 64x64 -> 299x299, CPU")
    t0 = time.perf_counter()
    feats_a = inception_features(inception, to_signed(read_images(half_a)[0]))
    feats_b = inception_features(inception, to_signed(read_images(half_b)[0]))
    noise = torch.rand(n, 3, 64, 64, generator=torch.Generator().manual_seed(0)) * 2 - 1
    feats_noise = inception_features(inception, noise)
    t1 = time.perf_counter()
    halves, vs_noise = fid_kid(feats_a, feats_b), fid_kid(feats_a, feats_noise)
    for label, r in (("cats half A vs half B", halves), ("cats half A vs noise ", vs_noise)):
        print(f"{label}: FID {r['fid']:8.2f}  KID {r['kid']:.4f} ± {r['kid_std']:.4f}")
    print(f"ratio FID(noise) / FID(halves) = {vs_noise['fid'] / halves['fid']:.1f}")
    print(f"feature extraction: {3 * n} images in {t1 - t0:.0f} s ({3 * n / (t1 - t0):.1f} img/s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
