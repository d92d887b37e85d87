"""Stacked MNIST: three MNIST digits as the R, G, B channels, so 10^3 = 1,000 modes.

The standard mode-collapse benchmark (Metz et al. 2017, VEEGAN, PacGAN): a generator that covers
all modes hits close to 1,000 three-digit combinations; a collapsed one hits far fewer.
The trainer's `--data stacked-mnist[:DIR]` uses `build_stacked_mnist`; the metrics read each
channel with the digit classifier and combine the three labels into a mode 0..999.
"""

from __future__ import annotations

from pathlib import Path

import torch

from gandoctor.metrics.digit_data import default_mnist_dir, load_mnist

MODES = 1000


def build_stacked_mnist(
    directory: Path | None = None, count: int = 50_000, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """`count` images (N x 3 x 28 x 28 in [-1, 1]) and their modes (100*R + 10*G + B), reproducibly."""
    digits, labels = load_mnist(directory or default_mnist_dir())
    picks = torch.randint(len(digits), (count, 3), generator=torch.Generator().manual_seed(seed))
    images = digits[picks].squeeze(2)  # N x 3 x 28 x 28: one digit per channel
    modes = labels[picks[:, 0]] * 100 + labels[picks[:, 1]] * 10 + labels[picks[:, 2]]
    return images, modes


class StackedMnistDataset(torch.utils.data.Dataset):
    """The same images as a Dataset yielding (image, mode), for DataLoader-based training loops."""

    def __init__(self, directory: Path | None = None, count: int = 50_000, seed: int = 0) -> None:
        self.images, self.modes = build_stacked_mnist(directory, count, seed)

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        return self.images[index], int(self.modes[index])


def stacked_mnist_for_training(spec: str, count: int = 50_000) -> torch.Tensor:
    """`stacked-mnist[:DIR]` as the trainer's uint8 N x 3 x 28 x 28 images (train/data.py calls this)."""
    _, _, directory = spec.partition(":")
    images, _ = build_stacked_mnist(Path(directory) if directory else None, count=count)
    return images.add(1.0).mul(127.5).round().clamp(0, 255).to(torch.uint8)
