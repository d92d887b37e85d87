"""Real images from a folder, for FID/KID references."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image

from gandoctor.errors import UsageError

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


def image_files(folder: Path) -> list[Path]:
    """Image files under `folder`, recursively, in a stable (sorted) order."""
    if not folder.is_dir():
        raise UsageError(f"image folder {folder} does not exist")
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    if not files:
        raise UsageError(f"no images ({', '.join(sorted(IMAGE_SUFFIXES))}) found under {folder}")
    return files


def load_images(files: list[Path]) -> torch.Tensor:
    """RGB images as N x 3 x H x W in [-1, 1]; all are resized (bicubic) to the first one's size."""
    size = None
    arrays = []
    for path in files:
        try:
            with Image.open(path) as im:
                im = im.convert("RGB")
                size = size or im.size
                if im.size != size:
                    im = im.resize(size, Image.BICUBIC)
                arrays.append(np.asarray(im, dtype=np.uint8))
        except OSError as exc:
            raise UsageError(f"cannot read image {path}: {exc}") from exc
    x = torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).float()
    return x.div(127.5).sub(1.0)


def load_image_folder(folder: Path | str, limit: int | None = None, offset: int = 0) -> torch.Tensor:
    """Up to `limit` images of a folder, starting at `offset` in sorted order."""
    files = image_files(Path(folder))[offset:]
    return load_images(files[:limit] if limit else files)
