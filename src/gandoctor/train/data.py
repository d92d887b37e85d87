"""Training images: where they come from, how they are decoded, and in which order they are served.

Every source ends up as one uint8 tensor ``N x C x H x W`` held in memory (digits, MNIST and a
64-pixel cat folder are all under 100 MB), so a CPU training step never waits on a DataLoader.
Decoding is ``gandoctor.data_files``, shared with the metrics.
The order is a pure function of (seed, epoch, position), which is what makes ``--resume`` exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from gandoctor.data_files import find_mnist_file, image_files, mnist_splits, read_images, read_mnist
from gandoctor.errors import UsageError


@dataclass
class ImageData:
    images: torch.Tensor  # uint8, N x C x H x W
    source: str
    skipped: int = 0  # unreadable files left out of a folder


def load_data(spec: str, image_size: int = 0) -> ImageData:
    """Resolve ``--data``: ``digits``, ``mnist``, ``mnist:DIR`` or a folder of images."""
    if spec == "digits":
        data = _load_digits()
    elif spec == "mnist":
        data = _download_mnist()
    elif spec.startswith("mnist:"):
        data = _read_mnist_dir(Path(spec[len("mnist:"):]))
    elif spec.split(":", 1)[0] == "stacked-mnist":  # 3 MNIST digits as R, G, B: 1,000 modes (metrics/)
        from gandoctor.metrics.stacked_mnist import stacked_mnist_for_training

        data = ImageData(images=stacked_mnist_for_training(spec), source="stacked MNIST (1,000 modes)")
    else:
        return _load_folder(Path(spec), image_size or 64)
    if image_size and image_size != data.images.shape[-1]:
        resized = F.interpolate(data.images.float(), size=(image_size, image_size), mode="bilinear",
                                antialias=True, align_corners=False)
        data.images = resized.round().clamp(0, 255).to(torch.uint8)
    return data


def _load_digits() -> ImageData:
    """scikit-learn's bundled 8x8 digits (values 0..16): no network needed."""
    from sklearn.datasets import load_digits

    pixels = load_digits().images  # N x 8 x 8, float 0..16
    images = torch.from_numpy(np.round(pixels * (255.0 / 16.0)).astype(np.uint8))
    return ImageData(images=images[:, None], source="digits (scikit-learn, 8x8)")


def _download_mnist() -> ImageData:
    from torchvision.datasets import MNIST

    root = Path.home() / ".cache" / "gandoctor" / "mnist"
    try:
        dataset = MNIST(str(root), train=True, download=True)
    except Exception as exc:  # network errors come in many types
        raise UsageError(f"could not download MNIST ({exc.__class__.__name__}); "
                         "pass --data mnist:DIR with the IDX files instead") from None
    return ImageData(images=dataset.data[:, None].clone(), source=f"MNIST train ({root})")


def _read_mnist_dir(directory: Path) -> ImageData:
    """The train split when the folder has it, else the test split (t10k)."""
    if not directory.is_dir():
        raise UsageError(f"MNIST folder not found: {directory}")
    splits = mnist_splits(directory)[:1]
    if not splits:
        raise UsageError(f"no MNIST image file (train-images-idx3-ubyte[.gz] or t10k-...) in {directory}")
    images, _ = read_mnist(directory, splits)
    path = find_mnist_file(directory, splits[0], "images")
    return ImageData(images=torch.from_numpy(images.copy())[:, None], source=f"MNIST ({path})")


def _load_folder(directory: Path, size: int) -> ImageData:
    if not directory.is_dir():
        raise UsageError(f"--data {directory}: not 'digits', 'mnist', 'mnist:DIR' or an existing folder")
    images, skipped = read_images(image_files(directory), size, where=directory)
    return ImageData(images=images, source=f"{directory} ({len(images)} images, {size}px)", skipped=skipped)


class EpochSampler:
    """Serves shuffled index batches; the order depends only on (seed, epoch, position).

    Each epoch is a fresh permutation from a generator seeded with ``seed + epoch``, and the last
    incomplete batch of an epoch is dropped, so saving ``(epoch, position)`` is enough to resume.
    """

    def __init__(self, n: int, batch_size: int, seed: int, epoch: int = 0, position: int = 0):
        if n < batch_size:
            raise UsageError(f"--batch-size {batch_size} is larger than the dataset ({n} images)")
        self.n, self.batch_size, self.seed = n, batch_size, seed
        self.epoch, self.position = epoch, position
        self._order = self._permutation(epoch)

    def _permutation(self, epoch: int) -> torch.Tensor:
        generator = torch.Generator().manual_seed(self.seed + epoch)
        return torch.randperm(self.n, generator=generator)

    def next_indices(self) -> torch.Tensor:
        if self.position + self.batch_size > self.n:
            self.epoch, self.position = self.epoch + 1, 0
            self._order = self._permutation(self.epoch)
        batch = self._order[self.position:self.position + self.batch_size]
        self.position += self.batch_size
        return batch

    def state_dict(self) -> dict:
        return {"epoch": self.epoch, "position": self.position}
