"""Real digit images for the metrics: MNIST IDX files, sklearn's 8x8 digits, stacked MNIST.

The metrics need the real data a run trained on, with labels, to train the digit classifier
and to get reference statistics. Everything is returned as float tensors in [-1, 1]
(N x C x H x W), the range generators produce, plus int64 labels.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import torch

from gandoctor.data_files import mnist_splits, read_mnist, to_signed
from gandoctor.errors import UsageError

MNIST_IMAGES = "t10k-images-idx3-ubyte.gz"
MNIST_LABELS = "t10k-labels-idx1-ubyte.gz"
# Also accepted when present: the 60,000-image training split in the same format.
MNIST_TRAIN_IMAGES = "train-images-idx3-ubyte.gz"


@dataclass(frozen=True)
class DigitSpec:
    """A parsed `--data` string that names digit data."""

    kind: str  # "mnist", "digits" or "stacked-mnist"
    directory: Path | None  # MNIST folder; None for sklearn digits

    @property
    def stacked(self) -> bool:
        return self.kind == "stacked-mnist"


def default_mnist_dir() -> Path:
    """Where plain `--data mnist` digits are: `$GANDOCTOR_MNIST_DIR`, else the trainer's torchvision
    download (`~/.cache/gandoctor/mnist/MNIST/raw`), else `../shared/data/mnist` beside the checkout."""
    env = os.environ.get("GANDOCTOR_MNIST_DIR")
    if env:
        return Path(env)
    downloaded = Path.home() / ".cache" / "gandoctor" / "mnist" / "MNIST" / "raw"
    if (downloaded / MNIST_TRAIN_IMAGES).exists():
        return downloaded
    return Path("..") / "shared" / "data" / "mnist"


def parse_digit_spec(data: str) -> DigitSpec | None:
    """`digits`, `mnist`, `mnist:DIR`, `stacked-mnist`, `stacked-mnist:DIR`; None for anything else."""
    name, _, rest = data.partition(":")
    if name == "digits" and not rest:
        return DigitSpec("digits", None)
    if name in ("mnist", "stacked-mnist"):
        return DigitSpec(name, Path(rest) if rest else default_mnist_dir())
    return None


def load_mnist(directory: Path) -> tuple[torch.Tensor, torch.Tensor]:
    """All MNIST images found in `directory` (test split, plus the train split if present)."""
    splits = mnist_splits(directory, order=("t10k", "train"))
    if not splits:
        raise UsageError(
            f"no MNIST IDX files in {directory} (expected {MNIST_IMAGES} and {MNIST_LABELS}); "
            "give the folder as --data mnist:DIR or set GANDOCTOR_MNIST_DIR"
        )
    images, labels = read_mnist(directory, splits, labels=True)
    assert labels is not None
    return to_signed(torch.from_numpy(images.copy())).unsqueeze(1), torch.from_numpy(labels.copy()).long()


def load_sklearn_digits() -> tuple[torch.Tensor, torch.Tensor]:
    """sklearn's bundled 1,797 8x8 digits (values 0..16), as 1 x 8 x 8 images in [-1, 1]."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    x = torch.from_numpy(bunch.images).float().div(8.0).sub(1.0).unsqueeze(1)
    y = torch.from_numpy(bunch.target).long()
    return x, y


def load_digits_for(spec: DigitSpec) -> tuple[torch.Tensor, torch.Tensor]:
    """Single-digit images and labels behind a spec (stacked MNIST is built from MNIST digits)."""
    if spec.kind == "digits":
        return load_sklearn_digits()
    assert spec.directory is not None
    return load_mnist(spec.directory)
