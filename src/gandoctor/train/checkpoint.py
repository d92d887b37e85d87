"""Checkpoints that survive `kill -9`, a full disk and a corrupt file.

Why each step is here:
- The state is serialized in memory first, then written with ``gandoctor.files.write_atomic``: a temp
  file in the same folder, flushed, fsynced and renamed over the final name (``os.replace`` is atomic on
  POSIX), and the folder is fsynced so the rename itself is durable. A crash at any moment leaves either
  the old file set or the new one, never a half-written ``step_*.pt``.
- A full disk (or any write error) removes the temp file and raises ``CheckpointError`` with one line;
  the older checkpoints are untouched because nothing is pruned until the new file is in place.
- Loading uses ``weights_only=True``: a checkpoint can hold tensors, numbers, strings, lists, tuples and
  dicts, but never code. A file that fails to load is named on stderr and the previous one is used.
"""

from __future__ import annotations

import errno
import io
import random
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

from gandoctor.errors import UsageError
from gandoctor.files import TEMP_SUFFIX, write_atomic

CHECKPOINT_DIR = "checkpoints"
BEST_NAME = "best.pt"
_STEP_FILE = re.compile(r"^step_(\d+)\.pt$")


class CheckpointError(UsageError):
    """A checkpoint could not be written or none could be read; the CLI prints it on one line (exit 2)."""


def checkpoint_dir(run_dir: str | Path) -> Path:
    return Path(run_dir) / CHECKPOINT_DIR


def step_checkpoints(run_dir: str | Path) -> list[Path]:
    """The ``step_XXXXXX.pt`` files of a run, newest (highest step) first."""
    folder = checkpoint_dir(run_dir)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _STEP_FILE.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return [path for _, path in sorted(found, reverse=True)]


def save_checkpoint(run_dir: str | Path, step: int, state: dict[str, Any], keep: int = 3) -> Path:
    """Write ``checkpoints/step_XXXXXX.pt`` atomically, then keep only the newest ``keep`` of them."""
    folder = checkpoint_dir(run_dir)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale_temp_files(folder)
    path = _atomic_save(folder / f"step_{step:06d}.pt", state)
    for old in step_checkpoints(run_dir)[max(keep, 1) :]:
        old.unlink(missing_ok=True)
    return path


def load_latest(run_dir: str | Path) -> dict[str, Any] | None:
    """The newest checkpoint that loads, or None when the run has none.

    A truncated, corrupt or unsafe file is reported on stderr and the previous one is tried. When
    checkpoints exist but none loads, ``CheckpointError`` is raised rather than silently starting over.
    """
    paths = step_checkpoints(run_dir)
    for path in paths:
        state = _try_load(path, fallback_note="trying the previous one")
        if state is not None:
            return state
    if paths:
        raise CheckpointError(
            f"none of the {len(paths)} checkpoints in {checkpoint_dir(run_dir)} could be loaded; "
            "remove them to start over"
        )
    return None


def save_best(run_dir: str | Path, state: dict[str, Any]) -> Path:
    """Write ``checkpoints/best.pt`` atomically (the trainer calls this when the primary metric improves)."""
    folder = checkpoint_dir(run_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return _atomic_save(folder / BEST_NAME, state)


def load_best(run_dir: str | Path) -> dict[str, Any] | None:
    """``checkpoints/best.pt``, or None when it is missing or cannot be loaded (reported on stderr)."""
    path = checkpoint_dir(run_dir) / BEST_NAME
    if not path.exists():
        return None
    return _try_load(path, fallback_note="ignoring it")


def capture_rng() -> dict[str, Any]:
    """Every random generator's state as tensors and plain values, so that ``weights_only`` loads it."""
    np_kind, np_keys, np_pos, np_has_gauss, np_gauss = np.random.get_state()
    state: dict[str, Any] = {
        "torch": torch.get_rng_state(),
        "python": random.getstate(),
        "numpy": {
            "kind": np_kind,
            "keys": torch.from_numpy(np_keys.astype(np.int64)),
            "pos": int(np_pos),
            "has_gauss": int(np_has_gauss),
            "gauss": float(np_gauss),
        },
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng(state: dict[str, Any]) -> None:
    """Undo ``capture_rng``: a resumed run draws the same noise and batches as an uninterrupted one."""
    torch.set_rng_state(state["torch"])
    random.setstate(_as_tuples(state["python"]))
    np_state = state["numpy"]
    np.random.set_state(
        (
            np_state["kind"],
            np_state["keys"].numpy().astype(np.uint32),
            np_state["pos"],
            np_state["has_gauss"],
            np_state["gauss"],
        )
    )
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def _atomic_save(path: Path, state: dict[str, Any]) -> Path:
    buffer = io.BytesIO()
    torch.save(state, buffer)  # serialize first: a bad state fails here, before any file is touched
    try:
        write_atomic(path, buffer.getbuffer())
    except OSError as exc:  # write_atomic has removed its temp file
        reason = "disk full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else exc.strerror or str(exc)
        kept = ", ".join(p.name for p in step_checkpoints(path.parent.parent)) or "none"
        raise CheckpointError(
            f"could not write checkpoint {path} ({reason}); previous checkpoints left intact: {kept}"
        ) from exc
    return path


def _try_load(path: Path, fallback_note: str) -> dict[str, Any] | None:
    try:
        state = torch.load(path, weights_only=True, map_location="cpu")
    except Exception as exc:  # truncation and corruption surface as many exception types
        print(f"gandoctor: checkpoint {path} {_why_unloadable(exc)}; {fallback_note}", file=sys.stderr)
        return None
    if not isinstance(state, dict):
        print(f"gandoctor: checkpoint {path} does not hold a dict; {fallback_note}", file=sys.stderr)
        return None
    return state


def _why_unloadable(exc: Exception) -> str:
    text = str(exc)
    if "Unsupported global" in text:
        return "holds objects other than tensors and plain values, refused (weights_only=True)"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    detail = [line for line in lines if line.startswith("WeightsUnpickler error")]  # torch's real reason
    first_line = (detail or lines or [type(exc).__name__])[0]
    return f"is truncated or corrupt ({type(exc).__name__}: {first_line[:120]})"


def _remove_stale_temp_files(folder: Path) -> None:
    """Temp files left by a process killed mid-write are garbage; a finished write never leaves one."""
    for temp in folder.glob(f".*{TEMP_SUFFIX}"):
        temp.unlink(missing_ok=True)


def _as_tuples(value: Any) -> Any:
    """``random.setstate`` wants tuples; a round trip through some loaders may give lists."""
    if isinstance(value, list | tuple):
        return tuple(_as_tuples(v) for v in value)
    return value
