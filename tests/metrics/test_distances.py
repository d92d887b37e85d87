"""Fréchet distance and KID against closed forms and an independent computation."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg

from gandoctor.metrics.distances import fit_gaussian, frechet_distance, kernel_inception_distance


def test_frechet_distance_matches_scipy_sqrtm_formula():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(500, 16)), rng.normal(0.5, 2.0, size=(400, 16)) @ rng.normal(size=(16, 16))
    (mu1, s1), (mu2, s2) = fit_gaussian(a), fit_gaussian(b)
    expected = ((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * scipy.linalg.sqrtm(s1 @ s2).real)
    assert frechet_distance(mu1, s1, mu2, s2) == pytest.approx(expected, rel=1e-6)


def test_frechet_distance_closed_form_for_isotropic_gaussians():
    # N(0, I) vs N(m, 4I) in d dims: |m|^2 + d (1 + 4 - 2*2) = |m|^2 + d
    d, m = 8, np.full(8, 3.0)
    assert frechet_distance(np.zeros(d), np.eye(d), m, 4 * np.eye(d)) == pytest.approx(9 * d + d)


def test_kid_is_near_zero_for_one_distribution_and_large_for_another():
    rng = np.random.default_rng(1)
    same = kernel_inception_distance(rng.normal(size=(600, 32)), rng.normal(size=(600, 32)), subset_size=300)
    other = kernel_inception_distance(rng.normal(size=(600, 32)), rng.normal(1.0, 1.0, size=(600, 32)),
                                      subset_size=300)
    assert abs(same[0]) < 3 * same[1] + 1e-3  # unbiased: zero within its spread
    assert other[0] > 0.5 and other[0] > 20 * abs(same[0])
