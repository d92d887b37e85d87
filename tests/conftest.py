"""Shared test fixtures: where the real data lives, skipping with a clear reason when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    path = SHARED_DATA / "mnist"
    if not (path / "t10k-images-idx3-ubyte.gz").exists():
        pytest.skip(f"MNIST test split not found at {path} (see ../shared/data/README.md)")
    return path


@pytest.fixture(scope="session")
def cats_dir() -> Path:
    path = SHARED_DATA / "cats64"
    if not (path / "1.jpg").exists():
        pytest.skip(f"cat faces not found at {path} (see ../shared/data/README.md)")
    return path
