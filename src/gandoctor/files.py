"""Writing a file so that a reader, a crash or ``kill -9`` sees the old content or the new, never half.

The one way gandoctor replaces a file (run files, reports, caches, checkpoints): write a temp file in the
same folder (a rename is atomic only within one filesystem), flush and fsync it, ``os.replace`` it over
the final name, then fsync the folder so the rename itself survives a power cut. On any failure the temp
file is removed and the error propagates; the old file is untouched.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

TEMP_SUFFIX = ".tmp"  # temp files are ".<name>.<pid>.<token>.tmp": a killed writer's can be found and removed

Writer = Callable[[BinaryIO], object]  # writes the content itself, e.g. lambda f: torch.save(obj, f)


def write_atomic(path: str | Path, content: str | bytes | bytearray | memoryview | Writer,
                 encoding: str = "utf-8") -> Path:
    """Replace ``path`` with ``content`` atomically and durably; returns the path.

    ``content`` is text (encoded with ``encoding``), bytes, or a callable that writes to the open binary
    temp file (for serializers that want a file: ``torch.save``, ``np.save``). The folder must exist.
    """
    path = Path(path)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        with open(temp, "wb") as handle:
            if callable(content):
                content(handle)
            else:
                handle.write(content.encode(encoding) if isinstance(content, str) else content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:  # a full disk, a failing serializer, KeyboardInterrupt: leave no temp behind
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    return path


def fsync_dir(folder: str | Path) -> None:
    """Make a rename in ``folder`` durable; a no-op where folders cannot be opened (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
