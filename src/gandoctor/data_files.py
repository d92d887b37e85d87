"""Real data on disk, read one way for training and for the metrics: image folders and MNIST IDX files.

The trainer learns from these images and the metrics compare samples against them, so both must decode
them identically (same crop, same resize). The readers are hardened: an unreadable image is skipped and
counted (one line on stderr), never a crash; a bad path or a broken IDX file is one ``UsageError`` line.
Images come back as uint8 tensors ``N x C x H x W``; ``to_signed`` gives the generators' range [-1, 1].
"""

from __future__ import annotations

import gzip
import struct
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from gandoctor.errors import UsageError

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
MAX_PIXELS = 64_000_000  # larger files are treated as unreadable rather than decoded (decompression bombs)
_UNREADABLE = (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning,
               RuntimeError, MemoryError, TypeError, struct.error)  # what PIL raises on a bad file


# --- image folders ------------------------------------------------------------------------------------
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
    except _UNREADABLE:
        return None
    if array.ndim == 2:
        array = array[:, :, None]
    return array


def image_files(folder: Path) -> list[Path]:
    """Image files under ``folder``, recursively, in a stable (sorted) order; one-line errors when the
    folder is missing or holds none. Survives permission errors and symlink loops."""
    if not folder.is_dir():
        raise UsageError(f"image folder {folder} does not exist")
    files = sorted(p for p in _walk(folder) if p.suffix.lower() in IMAGE_EXTENSIONS)
    if not files:
        raise UsageError(f"no images ({', '.join(sorted(IMAGE_EXTENSIONS))}) found in {folder}")
    return files


def read_images(files: Sequence[Path], size: int | None = None, channels: int = 3,
                where: str | Path = "") -> tuple[torch.Tensor, int]:
    """(uint8 ``N x C x size x size`` images, number of files skipped as unreadable).

    ``size`` None: the short side of the first readable file (a folder of equal squares loads as is).
    Skipped files are counted on stderr; none readable at all is a ``UsageError``.
    """
    where = f" in {where}" if str(where) else ""
    arrays, skipped = [], 0
    for path in files:
        side = size or _short_side(path)
        array = load_image(path, side, channels) if side else None
        if array is None:
            skipped += 1
        else:
            size = side
            arrays.append(array)
    if not arrays:
        raise UsageError(f"none of the {len(files)} image files{where} could be read")
    if skipped:
        print(f"gandoctor: skipped {skipped} unreadable image(s) of {len(files)}{where}", file=sys.stderr)
    return torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).contiguous(), skipped


def read_image_folder(folder: Path | str, size: int | None = None, limit: int | None = None,
                      offset: int = 0) -> tuple[torch.Tensor, int]:
    """Up to ``limit`` images of a folder from ``offset`` in sorted order, as ``read_images`` returns."""
    folder = Path(folder)
    files = image_files(folder)[offset:]
    return read_images(files[:limit] if limit else files, size, where=folder)


def to_signed(images: torch.Tensor) -> torch.Tensor:
    """uint8 images as floats in [-1, 1], the range the generators produce (and the metrics compare)."""
    return images.float().div(127.5).sub(1.0)


def _short_side(path: Path) -> int | None:
    try:
        with Image.open(path) as img:
            return min(img.width, img.height) or None
    except _UNREADABLE:
        return None


def _walk(directory: Path) -> Iterator[Path]:
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


# --- MNIST IDX files ----------------------------------------------------------------------------------
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


def find_mnist_file(directory: Path, split: str, kind: str) -> Path | None:
    """``{split}-{kind}-idx{1,3}-ubyte[.gz]`` (or ``.idx``) in ``directory``; ``split`` is 'train' or
    't10k', ``kind`` 'images' or 'labels'."""
    ndim = 3 if kind == "images" else 1
    for suffix in (".gz", ""):
        for sep in ("-", "."):
            path = directory / f"{split}-{kind}{sep}idx{ndim}-ubyte{suffix}"
            if path.is_file():
                return path
    return None


def mnist_splits(directory: Path, order: Sequence[str] = ("train", "t10k")) -> list[str]:
    """The splits of ``order`` whose image file is in ``directory`` (none for a missing folder)."""
    return [s for s in order if find_mnist_file(directory, s, "images") is not None]


def read_mnist(directory: Path, splits: Sequence[str], labels: bool = False
               ) -> tuple[np.ndarray, np.ndarray | None]:
    """uint8 ``N x 28 x 28`` images of ``splits`` (in that order, concatenated), and their labels when
    asked (None otherwise); a missing or broken file is one ``UsageError`` line."""
    images, targets = [], []
    for split in splits:
        path = find_mnist_file(directory, split, "images")
        if path is None:
            raise UsageError(f"no MNIST {split} image file ({split}-images-idx3-ubyte[.gz]) in {directory}")
        stack = read_idx(path)
        if stack.ndim != 3 or len(stack) == 0:
            raise UsageError(f"{path} does not hold a stack of images")
        images.append(stack)
        if labels:
            label_path = find_mnist_file(directory, split, "labels")
            if label_path is None:
                raise UsageError(f"{path} has no labels file {split}-labels-idx1-ubyte[.gz] beside it")
            targets.append(read_idx(label_path))
    return np.concatenate(images), (np.concatenate(targets) if labels else None)
