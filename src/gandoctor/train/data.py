"""Training images: where they come from, how they are decoded, and in which order they are served.

Every source ends up as one uint8 tensor ``N x C x H x W`` held in memory (digits, MNIST and a
64-pixel cat folder are all under 100 MB), so a CPU training step never waits on a DataLoader.
The order is a pure function of (seed, epoch, position), which is what makes ``--resume`` exact.
"""

from __future__ import annotations

import gzip
import struct
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from gandoctor.errors import UsageError

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
MAX_PIXELS = 64_000_000  # larger files are treated as unreadable rather than decoded (decompression bombs)


@dataclass
class ImageData:
    images: torch.Tensor  # uint8, N x C x H x W
    source: str
    skipped: int = 0  # unreadable files left out of a folder


def load_image(path: str | Path, size: int, channels: int = 3) -> np.ndarray | None:
    """Decode one file, resize its short side to ``size`` and center-crop; None when unreadable.

    Returns uint8 ``H x W x C``. Anything PIL cannot decode (truncated, empty, huge, odd modes,
    not an image at all, a symlink loop) comes back as None so one bad file never stops a run.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                if img.width * img.height > MAX_PIXELS or min(img.width, img.height) < 1:
                    return None
                if img.mode.startswith("I"):  # 16-bit (or 32-bit) integers: convert() would clip to white
                    scaled = np.asarray(img, dtype=np.float32) / 257.0
                    img = Image.fromarray(scaled.clip(0, 255).astype(np.uint8))
                img.draft("RGB" if channels == 3 else "L", (size, size))  # fast JPEG downscale
                img = img.convert("RGB" if channels == 3 else "L")
                scale = size / min(img.width, img.height)
                new_w = max(size, round(img.width * scale))
                new_h = max(size, round(img.height * scale))
                img = img.resize((new_w, new_h), Image.Resampling.BICUBIC)
                left, top = (new_w - size) // 2, (new_h - size) // 2
                img = img.crop((left, top, left + size, top + size))
                array = np.asarray(img, dtype=np.uint8)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            RuntimeError, MemoryError, TypeError, struct.error):
        return None
    if array.ndim == 2:
        array = array[:, :, None]
    return array


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


def read_idx(path: Path) -> np.ndarray:
    """Read one IDX file (gzip or raw), the format MNIST is published in."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
        zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
        if zero != 0 or dtype_code != 0x08:
            raise ValueError("not an unsigned-byte IDX file")
        shape = struct.unpack(f">{ndim}I", raw[4:4 + 4 * ndim])
        data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
        if data.size != int(np.prod(shape)):
            raise ValueError(f"truncated ({data.size} bytes of data, header says {int(np.prod(shape))})")
        return data.reshape(shape)
    except (OSError, EOFError, ValueError, struct.error) as exc:
        raise UsageError(f"cannot read IDX file {path}: {exc}") from None


def find_mnist_file(directory: Path, kind: str) -> Path | None:
    """The train split if present, else t10k; ``kind`` is 'images' or 'labels'."""
    ndim = 3 if kind == "images" else 1
    for split in ("train", "t10k"):
        for suffix in (".gz", ""):
            for sep in ("-", "."):
                path = directory / f"{split}-{kind}{sep}idx{ndim}-ubyte{suffix}"
                if path.is_file():
                    return path
    return None


def _read_mnist_dir(directory: Path) -> ImageData:
    if not directory.is_dir():
        raise UsageError(f"MNIST folder not found: {directory}")
    path = find_mnist_file(directory, "images")
    if path is None:
        raise UsageError(f"no MNIST image file (train-images-idx3-ubyte[.gz] or t10k-...) in {directory}")
    images = read_idx(path)
    if images.ndim != 3 or len(images) == 0:
        raise UsageError(f"{path} does not hold a stack of images")
    return ImageData(images=torch.from_numpy(images.copy())[:, None], source=f"MNIST ({path})")


def _load_folder(directory: Path, size: int) -> ImageData:
    if not directory.is_dir():
        raise UsageError(f"--data {directory}: not 'digits', 'mnist', 'mnist:DIR' or an existing folder")
    files = sorted(p for p in _walk(directory) if p.suffix.lower() in IMAGE_EXTENSIONS)
    if not files:
        raise UsageError(f"no images ({', '.join(sorted(IMAGE_EXTENSIONS))}) found in {directory}")
    arrays, skipped = [], 0
    for path in files:
        array = load_image(path, size)
        if array is None:
            skipped += 1
        else:
            arrays.append(array)
    if not arrays:
        raise UsageError(f"none of the {len(files)} image files in {directory} could be read")
    if skipped:
        print(f"gandoctor: skipped {skipped} unreadable image(s) of {len(files)} in {directory}",
              file=sys.stderr)
    images = torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).contiguous()
    return ImageData(images=images, source=f"{directory} ({len(arrays)} images, {size}px)", skipped=skipped)


def _walk(directory: Path):
    """Recursive file listing that survives permission errors and symlink loops."""
    seen: set[Path] = set()
    stack = [directory]
    while stack:
        folder = stack.pop()
        try:
            real = folder.resolve()
            if real in seen:
                continue
            seen.add(real)
            entries = sorted(folder.iterdir())
        except (OSError, RuntimeError):
            continue
        for entry in entries:
            try:
                if entry.is_dir():
                    stack.append(entry)
                elif entry.is_file():
                    yield entry
            except OSError:
                continue


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
