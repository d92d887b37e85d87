"""Fuzzing the image loader: every odd, broken or hostile file is skipped and counted; none crashes or hangs.

Bounded for CI: a few dozen hypothesis examples per property, a deadline per example, and a hard
timeout per test (pytest-timeout), so a hang fails the test instead of stalling the suite.
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from gandoctor.data_files import load_image
from gandoctor.train.data import load_data

SIZE = 16
# (PIL mode, format, extension): the odd modes users' folders really contain.
KINDS = [
    ("1", "PNG", ".png"), ("L", "PNG", ".png"), ("L", "JPEG", ".jpg"), ("LA", "PNG", ".png"),
    ("P", "PNG", ".png"), ("P", "BMP", ".bmp"), ("RGB", "JPEG", ".jpg"), ("RGB", "PNG", ".png"),
    ("RGB", "WEBP", ".webp"), ("RGBA", "PNG", ".png"), ("RGBA", "WEBP", ".webp"), ("CMYK", "JPEG", ".jpg"),
    ("I;16", "PNG", ".png"), ("YCbCr", "JPEG", ".jpg"),
]  # fmt: skip
DAMAGE = ["none", "truncate", "flip_bytes", "zero_bytes", "random_bytes", "text"]
FUZZ = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _encode(mode: str, fmt: str, width: int, height: int, seed: int) -> tuple[bytes, np.ndarray]:
    """Random pixels in ``mode``, encoded as ``fmt``; also returns the raw pixel values."""
    rng = np.random.default_rng(seed)
    if mode == "I;16":
        pixels = rng.integers(0, 65536, (height, width), dtype=np.uint16)
        img = Image.fromarray(pixels)
    else:
        raw = rng.bytes(len(Image.new(mode, (width, height)).tobytes()))
        img = Image.frombytes(mode, (width, height), raw)
        pixels = np.frombuffer(raw, dtype=np.uint8)
        if mode == "P":
            img.putpalette(rng.integers(0, 256, 768, dtype=np.uint8).tolist())
    buffer = io.BytesIO()
    img.save(buffer, fmt)
    return buffer.getvalue(), pixels


def _damage(data: bytes, how: str, draw) -> bytes:
    if how == "truncate":
        return data[: draw(st.integers(0, max(len(data) - 1, 0)))]
    if how == "flip_bytes":
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            out[draw(st.integers(0, len(out) - 1))] = draw(st.integers(0, 255))
        return bytes(out)
    if how == "zero_bytes":
        return b""
    if how == "random_bytes":
        return draw(st.binary(min_size=1, max_size=4096))
    if how == "text":
        return "这不是图片 / not an image\n".encode() * draw(st.integers(1, 50))
    return data


@st.composite
def image_files(draw) -> tuple[str, str, bytes, np.ndarray]:
    mode, fmt, ext = draw(st.sampled_from(KINDS))
    width, height = draw(st.integers(1, 80)), draw(st.integers(1, 80))
    data, pixels = _encode(mode, fmt, width, height, draw(st.integers(0, 2**32 - 1)))
    how = draw(st.sampled_from(DAMAGE))
    return mode, how, _damage(data, how, draw), pixels, ext


@pytest.mark.parametrize(("mode", "fmt", "ext"), KINDS)
def test_every_intact_odd_mode_decodes_to_rgb(tmp_path: Path, mode: str, fmt: str, ext: str) -> None:
    data, pixels = _encode(mode, fmt, 37, 23, seed=1)
    path = tmp_path / f"sample{ext}"
    path.write_bytes(data)
    out = load_image(path, SIZE)
    assert out is not None, f"an intact {mode} {fmt} file was skipped"
    assert out.shape == (SIZE, SIZE, 3) and out.dtype == np.uint8
    if mode == "I;16":  # 16-bit data must be scaled to 8 bits, not clipped to white
        assert abs(float(out.mean()) - float(pixels.mean()) / 257) < 16


@pytest.mark.timeout(120)
@FUZZ
@given(case=image_files())
def test_load_image_never_raises_on_damaged_files(tmp_path: Path, case) -> None:
    mode, how, data, _, ext = case
    path = tmp_path / f"sample{ext}"
    path.write_bytes(data)
    out = load_image(path, SIZE)
    assert out is None or (out.shape == (SIZE, SIZE, 3) and out.dtype == np.uint8)
    if how in ("zero_bytes", "text"):
        assert out is None


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares ``width x height`` pixels: a decompression bomb's calling card."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))  # fmt: skip


@pytest.mark.timeout(30)
@pytest.mark.parametrize("side", [20_000, 100_000, 2**31 - 1])
def test_huge_declared_dimensions_are_skipped_without_decoding(tmp_path: Path, side: int) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_declaring(side, side))
    assert load_image(path, SIZE) is None


def _make_mixed_folder(root: Path) -> tuple[int, int]:
    """Good and bad files, nested folders and symlink traps; returns (good, bad) image-file counts."""
    sub = root / "sub"
    sub.mkdir(parents=True)
    good = 0
    for i, (mode, fmt, ext) in enumerate(KINDS):
        (sub if i % 2 else root).joinpath(f"good_{i}{ext}").write_bytes(_encode(mode, fmt, 20, 24, i)[0])
        good += 1
    jpeg = _encode("RGB", "JPEG", 40, 40, 0)[0]
    bad_files = {
        "truncated.jpg": jpeg[: len(jpeg) // 3],
        "empty.png": b"",
        "text.jpg": b"hello, not a picture",
        "bomb.png": _png_declaring(100_000, 100_000),
        "sub/html.webp": b"<html></html>",
    }
    for name, data in bad_files.items():
        (root / name).write_bytes(data)
    (root / "notes.txt").write_text("ignored: not an image extension")
    (sub / "loop").symlink_to("..", target_is_directory=True)  # a directory cycle
    (root / "self.png").symlink_to("self.png")  # a symlink to itself: ELOOP on open
    (root / "gone.jpg").symlink_to("does_not_exist.jpg")  # dangling
    (root / "alias_of_good_0.png").symlink_to(root / "good_0.png")  # a link to a good file counts as one
    return good + 1, len(bad_files)


@pytest.mark.timeout(60)
def test_folder_scan_skips_and_counts_bad_files_and_survives_symlink_loops(tmp_path: Path, capsys) -> None:
    good, bad = _make_mixed_folder(tmp_path / "data")
    data = load_data(str(tmp_path / "data"), SIZE)
    assert data.images.shape == (good, 3, SIZE, SIZE)
    assert data.skipped == bad
    assert f"skipped {bad} unreadable image(s)" in capsys.readouterr().err


@pytest.mark.timeout(120)
@settings(max_examples=10, deadline=5000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(st.sampled_from(["good", *DAMAGE[2:]]), min_size=1, max_size=8))
def test_any_mix_of_files_loads_the_good_ones_or_fails_with_one_clear_error(tmp_path_factory, kinds) -> None:
    folder = tmp_path_factory.mktemp("mix")
    for i, kind in enumerate(kinds):
        data = _encode("RGB", "PNG", 12, 12, i)[0]
        if kind != "good":
            damaged = {"zero_bytes": b"", "random_bytes": os.urandom(64), "text": b"not an image"}
            data = damaged.get(kind, b"x" + data[9:])  # flip_bytes: a broken signature
        (folder / f"{i}.png").write_bytes(data)
    n_good = kinds.count("good")
    if n_good == 0:
        from gandoctor.errors import UsageError

        with pytest.raises(UsageError, match="could be read"):
            load_data(str(folder), SIZE)
    else:
        data = load_data(str(folder), SIZE)
        assert len(data.images) == n_good and data.skipped == len(kinds) - n_good
