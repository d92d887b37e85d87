"""Loading the real files: digits, MNIST IDX (gzip and raw), image folders with broken files."""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest
import torch
from PIL import Image

from gandoctor.data_files import load_image
from gandoctor.errors import UsageError
from gandoctor.train.data import EpochSampler, load_data


def test_digits_are_bundled_and_scaled_to_uint8():
    data = load_data("digits")
    assert data.images.shape == (1797, 1, 8, 8)
    assert data.images.dtype == torch.uint8
    assert int(data.images.max()) == 255 and int(data.images.min()) == 0


def test_mnist_dir_reads_gzip_and_raw_idx(mnist_dir, tmp_path):
    gz = load_data(f"mnist:{mnist_dir}").images
    assert gz.shape == (10_000, 1, 28, 28) and gz.dtype == torch.uint8
    with gzip.open(mnist_dir / "t10k-images-idx3-ubyte.gz") as src:
        (tmp_path / "t10k-images-idx3-ubyte").write_bytes(src.read())
    raw = load_data(f"mnist:{tmp_path}").images
    assert torch.equal(gz, raw)
    assert load_data(f"mnist:{mnist_dir}", image_size=32).images.shape == (10_000, 1, 32, 32)


def test_mnist_dir_errors_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="not found"):
        load_data(f"mnist:{tmp_path / 'missing'}")
    with pytest.raises(UsageError, match="no MNIST image file"):
        load_data(f"mnist:{tmp_path}")
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(b"not gzip at all")
    with pytest.raises(UsageError, match="cannot read IDX"):
        load_data(f"mnist:{tmp_path}")


def test_cat_folder_is_resized_and_center_cropped(cats_dir, tmp_path):
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    for i in range(1, 9):
        shutil.copy(cats_dir / f"{i}.jpg", (nested if i % 2 else tmp_path) / f"{i}.jpg")
    data = load_data(str(tmp_path), image_size=32)
    assert data.images.shape == (8, 3, 32, 32) and data.skipped == 0
    # a non-square image is center-cropped, not squashed
    Image.open(cats_dir / "1.jpg").resize((128, 64)).save(tmp_path / "wide.png")
    assert load_image(tmp_path / "wide.png", 32).shape == (32, 32, 3)


def test_corrupt_images_are_skipped_counted_and_reported(cats_dir, tmp_path, capsys):
    for i in range(1, 6):
        shutil.copy(cats_dir / f"{i}.jpg", tmp_path / f"{i}.jpg")
    (tmp_path / "truncated.jpg").write_bytes((cats_dir / "6.jpg").read_bytes()[:300])
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "text.webp").write_text("hello")
    (tmp_path / "notes.txt").write_text("not an image extension, ignored")
    data = load_data(str(tmp_path), image_size=32)
    assert len(data.images) == 5 and data.skipped == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "skipped 3 unreadable image(s) of 8" in err[0]


def test_empty_or_unreadable_folder_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no images"):
        load_data(str(tmp_path))
    (tmp_path / "bad.jpg").write_bytes(b"\xff\xd8 garbage")
    with pytest.raises(UsageError, match="could be read"):
        load_data(str(tmp_path))


@pytest.mark.parametrize("mode", ["CMYK", "P", "I;16", "RGBA", "LA", "1"])
def test_load_image_converts_unusual_modes(tmp_path, mode):
    path = tmp_path / ("img.tif" if mode in ("CMYK", "I;16") else "img.png")
    Image.new(mode, (40, 20)).save(path)
    array = load_image(path, 16)
    assert array is not None and array.shape == (16, 16, 3) and array.dtype == np.uint8


def test_sampler_order_depends_only_on_seed_epoch_and_position():
    straight = EpochSampler(100, 32, seed=7)
    batches = [straight.next_indices() for _ in range(7)]  # crosses two epoch boundaries
    resumed = EpochSampler(100, 32, seed=7)
    for _ in range(4):
        resumed.next_indices()
    resumed = EpochSampler(100, 32, seed=7, **resumed.state_dict())
    continued = [resumed.next_indices() for _ in range(3)]
    assert all(torch.equal(a, b) for a, b in zip(batches[4:], continued, strict=True))
    assert sorted(torch.cat(batches[:3]).tolist()) == sorted(set(torch.cat(batches[:3]).tolist()))
