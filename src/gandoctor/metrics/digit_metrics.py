"""What the digit classifier says about a batch of generated digits.

- classes_hit: classes that receive at least 1% of the samples (uniform would be 10%), out of 10;
- min_class_share: the smallest class's share of the samples (0.1 when perfectly balanced);
- kl_uniform: KL(predicted-class histogram || uniform), 0 when balanced, log(10)=2.30 when all
  samples are one class;
- confidence: mean top-class probability (blurry or nonsense digits score low);
- fd: Fréchet distance between the samples and real digits in the classifier's 128-d feature
  space (lower is better; the primary metric for digit data).
For stacked MNIST the same is done per channel and the three labels make a mode out of 1,000:
modes (modes hit at least once) and kl_uniform over the 1,000 modes.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from gandoctor.metrics.classifier import DigitClassifier
from gandoctor.metrics.distances import frechet_distance_of
from gandoctor.metrics.stacked_mnist import MODES

HIT_SHARE = 0.01


def kl_to_uniform(counts: torch.Tensor) -> float:
    """KL(p || uniform) of a histogram of counts, with 0 log 0 = 0."""
    p = counts.double() / counts.sum()
    nonzero = p[p > 0]
    return float((nonzero * (nonzero * len(counts)).log()).sum())


def digit_metrics(clf: DigitClassifier, fake: torch.Tensor, real: torch.Tensor) -> dict[str, float]:
    """Metrics for N x 1 x H x W generated digits against real ones, all in [-1, 1]."""
    probs = clf.probs(fake)
    counts = torch.bincount(probs.argmax(dim=1), minlength=10)
    shares = counts.double() / len(fake)
    fd = frechet_distance_of(clf.features(fake).numpy(), clf.features(real).numpy())
    return {
        "classes_hit": float((shares >= HIT_SHARE).sum()),
        "min_class_share": float(shares.min()),
        "kl_uniform": kl_to_uniform(counts),
        "confidence": float(probs.max(dim=1).values.mean()),
        "fd": fd if math.isfinite(fd) else float("inf"),
    }


def _channels(images: torch.Tensor) -> list[torch.Tensor]:
    return [images[:, c : c + 1] for c in range(3)]


def stacked_metrics(clf: DigitClassifier, fake: torch.Tensor, real: torch.Tensor) -> dict[str, float]:
    """Metrics for N x 3 x H x W stacked-MNIST samples: modes out of 1,000, KL, confidence, FD."""
    probs = [clf.probs(ch) for ch in _channels(fake)]
    labels = [p.argmax(dim=1) for p in probs]
    modes = labels[0] * 100 + labels[1] * 10 + labels[2]
    counts = torch.bincount(modes, minlength=MODES)
    confidence = torch.stack([p.max(dim=1).values for p in probs]).mean()
    fake_features = np.concatenate([clf.features(ch).numpy() for ch in _channels(fake)], axis=1)
    real_features = np.concatenate([clf.features(ch).numpy() for ch in _channels(real)], axis=1)
    return {
        "modes": float((counts > 0).sum()),
        "kl_uniform": kl_to_uniform(counts),
        "confidence": float(confidence),
        "fd": frechet_distance_of(fake_features, real_features),
    }
