"""Distances between two sets of feature vectors: the Fréchet distance (FID's formula) and KID.

Both work on any features: the digit classifier's 128-d layer or Inception's 2048-d pool.
Computed in float64 numpy, as the reference implementations do.
"""

from __future__ import annotations

import numpy as np


def fit_gaussian(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance (rows are samples), the statistics FID compares."""
    features = np.asarray(features, dtype=np.float64)
    return features.mean(axis=0), np.cov(features, rowvar=False)


def frechet_distance(mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray) -> float:
    """||mu1 - mu2||^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2)).

    tr((S1 S2)^(1/2)) is the sum of the square roots of the eigenvalues of S1 S2, which equal those
    of the symmetric matrix S1^(1/2) S2 S1^(1/2): a symmetric eigensolver then gives real values
    (no complex round-off to discard, unlike sqrtm of the non-symmetric S1 S2); below zero is clipped.
    """
    diff = mu1 - mu2
    values, vectors = np.linalg.eigh(sigma1)
    root1 = (vectors * np.sqrt(values.clip(min=0.0))) @ vectors.T
    eigenvalues = np.linalg.eigvalsh(root1 @ sigma2 @ root1).clip(min=0.0)
    trace_sqrt = np.sqrt(eigenvalues).sum()
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * trace_sqrt)


def frechet_distance_of(features_a: np.ndarray, features_b: np.ndarray) -> float:
    return frechet_distance(*fit_gaussian(features_a), *fit_gaussian(features_b))


def kernel_inception_distance(
    features_a: np.ndarray, features_b: np.ndarray, subsets: int = 100, subset_size: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """KID: unbiased MMD^2 with the cubic kernel (x.y/d + 1)^3, mean and std over random subsets.

    Same estimator as Binkowski et al. (2018) and torch-fidelity's defaults (100 subsets of 1,000).
    The three kernel matrices are computed once and each subset indexes into them, which makes
    100 subsets cost little more than one on a CPU. With n <= subset_size every subset is the whole
    set and the std is 0.
    """
    a = np.asarray(features_a, dtype=np.float64)
    b = np.asarray(features_b, dtype=np.float64)
    m = min(subset_size, len(a), len(b))
    if m < 2:
        raise ValueError("KID needs at least 2 samples on each side")
    d = a.shape[1]
    k_aa, k_bb, k_ab = ((x @ y.T / d + 1) ** 3 for x, y in ((a, a), (b, b), (a, b)))
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(subsets):
        i = rng.choice(len(a), m, replace=False)
        j = rng.choice(len(b), m, replace=False)
        k_xx, k_yy = k_aa[np.ix_(i, i)], k_bb[np.ix_(j, j)]
        off_diag = (k_xx.sum() - np.trace(k_xx) + k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
        values.append(off_diag - 2 * k_ab[np.ix_(i, j)].mean())
    return float(np.mean(values)), float(np.std(values))
