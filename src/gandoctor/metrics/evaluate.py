"""`evaluate()`: one call that picks the right metrics for the run's data and returns numbers.

The trainer calls it every `--eval-every` steps and keeps `best.pt` by `EvalResult.primary`;
`gandoctor eval RUN_DIR` calls it on a saved generator. Digit data gets the classifier metrics
(no downloads, trained once and cached); image folders get FID and KID with the standard
Inception weights (see metrics/inception.py for where they come from).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from gandoctor.data_files import image_files, read_images, to_signed
from gandoctor.errors import UsageError
from gandoctor.files import write_atomic
from gandoctor.metrics.classifier import cache_dir, load_or_train
from gandoctor.metrics.digit_data import load_digits_for, parse_digit_spec
from gandoctor.metrics.digit_metrics import digit_metrics, stacked_metrics
from gandoctor.metrics.distances import fit_gaussian, frechet_distance, kernel_inception_distance
from gandoctor.metrics.inception import InceptionFeatures, find_weights, load_inception
from gandoctor.metrics.stacked_mnist import build_stacked_mnist

SampleFn = Callable[[int], torch.Tensor]
CHUNK = 250  # samples drawn per call, to bound memory


@dataclass
class EvalResult:
    values: dict[str, float]
    primary: str
    lower_is_better: bool
    extra: dict[str, str] = field(default_factory=dict)  # e.g. which Inception weights were used


@torch.no_grad()
def draw_samples(sample_fn: SampleFn, n: int) -> torch.Tensor:
    """n generated images on the CPU, drawn in chunks."""
    chunks = []
    drawn = 0
    while drawn < n:
        k = min(CHUNK, n - drawn)
        chunk = sample_fn(k).detach().float().cpu()
        if len(chunk) != k:
            raise ValueError(f"sample_fn({k}) returned {len(chunk)} images")
        chunks.append(chunk)
        drawn += k
    return torch.cat(chunks)


def real_subset(images: torch.Tensor, n: int, seed: int = 1) -> torch.Tensor:
    """A fixed random subset of the real images (the same one at every evaluation)."""
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(seed))
    return images[order[: min(n, len(images))]]


def evaluate_digits(fake: torch.Tensor, data: str, n: int) -> EvalResult:
    spec = parse_digit_spec(data)
    assert spec is not None
    clf = load_or_train(spec)
    if spec.stacked:
        real, _ = build_stacked_mnist(spec.directory, count=n, seed=1)
        values = stacked_metrics(clf, fake, real)
    else:
        if fake.shape[1] != 1:
            raise UsageError(
                f"--data {data} is grey digits but the generator made {fake.shape[1]}-channel images"
            )
        images, _ = load_digits_for(spec)
        values = digit_metrics(clf, fake, real_subset(images, n))
    values["classifier_accuracy"] = clf.heldout_accuracy
    return EvalResult(values, primary="fd", lower_is_better=True)


_REAL_FEATURES: dict[str, np.ndarray] = {}


def real_inception_features(
    folder: Path, n: int, inception: InceptionFeatures, weights: Path
) -> np.ndarray:
    """Inception features of the first n images of a folder, cached in memory and on disk."""
    files = image_files(folder)[:n]
    key_src = f"{weights.resolve()}|{os.path.getsize(weights)}|" + "|".join(
        f"{f.resolve()}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files
    )
    key = hashlib.sha256(key_src.encode()).hexdigest()[:16]
    if key in _REAL_FEATURES:
        return _REAL_FEATURES[key]
    path = cache_dir() / f"inception-real-{key}.npy"
    if path.exists():
        features = np.load(path)
    else:
        features = inception_features(inception, to_signed(read_images(files, where=folder)[0]))
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, lambda f: np.save(f, features))
    _REAL_FEATURES[key] = features
    return features


def inception_features(
    inception: InceptionFeatures, images: torch.Tensor, batch_size: int = 50
) -> np.ndarray:
    device = next(inception.parameters(), torch.empty(0)).device
    out = [
        inception(images[i : i + batch_size].to(device)).cpu() for i in range(0, len(images), batch_size)
    ]
    return torch.cat(out).double().numpy()


def fid_kid(fake_features: np.ndarray, real_features: np.ndarray) -> dict[str, float]:
    fid = frechet_distance(*fit_gaussian(fake_features), *fit_gaussian(real_features))
    kid, kid_std = kernel_inception_distance(fake_features, real_features)
    return {"fid": fid, "kid": kid, "kid_std": kid_std}


_INCEPTIONS: dict[tuple[str, str], InceptionFeatures] = {}


def _inception_for(weights: Path, device: str | torch.device) -> InceptionFeatures:
    """One loaded network per (file, device) per process: periodic evaluations reuse it."""
    key = (str(weights.resolve()), str(device))
    if key not in _INCEPTIONS:
        _INCEPTIONS[key] = load_inception(weights, device)
    return _INCEPTIONS[key]


def evaluate_folder(
    fake: torch.Tensor, folder: Path, n: int, device: str | torch.device, weights: str | None
) -> EvalResult:
    weights_path = find_weights(weights)
    inception = _inception_for(weights_path, device)
    real = real_inception_features(folder, n, inception, weights_path)
    values = fid_kid(inception_features(inception, fake), real)
    return EvalResult(
        values, primary="fid", lower_is_better=True, extra={"inception_weights": str(weights_path)}
    )


def evaluate(
    sample_fn: SampleFn,
    data: str,
    n: int = 1000,
    device: str | torch.device = "cpu",
    inception_weights: str | None = None,
) -> EvalResult:
    """Draw n samples (images in [-1, 1], N x C x H x W) and score them against the real `data`."""
    if n < 10:
        raise UsageError(f"evaluation needs at least 10 samples, got n={n}")
    if parse_digit_spec(data) is not None:
        return evaluate_digits(draw_samples(sample_fn, n), data, n)
    folder = Path(data)
    if folder.is_dir():
        return evaluate_folder(draw_samples(sample_fn, n), folder, n, device, inception_weights)
    raise UsageError(
        f"no metrics for --data {data!r}: expected digits, mnist[:DIR], stacked-mnist[:DIR] or a folder"
    )
