"""Where in the user's code something happened: the innermost frame outside torch and gandoctor."""

from __future__ import annotations

import os
import sys
from types import FrameType, TracebackType

import torch

from gandoctor.doctor.events import Location

_SKIP_DIRS = (
    os.path.dirname(torch.__file__),
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),  # gandoctor/doctor
    os.path.dirname(os.__file__),  # the standard library (runpy, contextlib, ...)
)
_is_user_cache: dict[str, bool] = {}


def is_user_file(filename: str) -> bool:
    cached = _is_user_cache.get(filename)
    if cached is None:
        path = os.path.abspath(filename)
        cached = not (filename.startswith("<") or path.startswith(_SKIP_DIRS) or "site-packages" in path)
        _is_user_cache[filename] = cached
    return cached


def user_location(frame: FrameType | None = None) -> Location | None:
    """The innermost stack frame in user code, starting from ``frame`` (default: the caller)."""
    f = frame or sys._getframe(1)
    while f is not None:
        if is_user_file(f.f_code.co_filename):
            return Location(f.f_code.co_filename, f.f_lineno)
        f = f.f_back
    return None


def traceback_locations(tb: TracebackType | None) -> list[Location]:
    """The traceback's frames that are in user code, outermost first."""
    found = []
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if is_user_file(name):
            found.append(Location(name, tb.tb_lineno))
        tb = tb.tb_next
    return found
