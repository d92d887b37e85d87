"""Where in the user's code something happened: the innermost frame outside torch and gandoctor."""

from __future__ import annotations

import ast
import linecache
import os
import re
import sys
from collections.abc import Callable
from types import CodeType, FrameType, TracebackType
from typing import Any

import numpy as np
import torch

from gandoctor.doctor.events import Location

_DOCTOR_DIR = os.path.dirname(os.path.abspath(__file__))  # gandoctor/doctor
_ENGINE_FILES = ("api.py", "runner.py")  # they wrap the script; their frames are not the doctor failing
_PASS_THROUGH: set[CodeType] = set()
_SKIP_DIRS = (
    os.path.dirname(torch.__file__),
    _DOCTOR_DIR,
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


# Code a framework generated from the user's (TensorFlow's autograph runs a converted copy of a
# ``tf.function`` from a temporary file): an adapter registers a map from (file, line) of the generated
# code back to the user's line, or None when it is not such code.
LINE_MAPS: list[Callable[[str, int], Location | None]] = []


def _location(filename: str, line: int) -> Location:
    for line_map in LINE_MAPS:
        mapped = line_map(filename, line)
        if mapped is not None:
            return mapped
    return Location(filename, line)


def user_location(frame: FrameType | None = None) -> Location | None:
    """The innermost stack frame in user code, starting from ``frame`` (default: the caller)."""
    f = frame or sys._getframe(1)
    while f is not None:
        if is_user_file(f.f_code.co_filename):
            return _location(f.f_code.co_filename, f.f_lineno)
        f = f.f_back
    return None


_TORCH_DIR = os.path.dirname(torch.__file__)
_MODULE_CALL = os.path.join("torch", "nn", "modules", "module.py")


def called_by_torch() -> bool:
    """Whether the module call running now was made by torch's own code, not by a forward or the
    script: ``torch.nn.utils.parametrize`` computing a weight (spectral_norm) calls its parametrization
    module at the top level."""
    f = sys._getframe(1)
    while f is not None:
        filename = f.f_code.co_filename
        if filename.startswith(_DOCTOR_DIR) or filename.endswith(_MODULE_CALL):
            f = f.f_back
            continue
        return os.path.abspath(filename).startswith(_TORCH_DIR)
    return False


def traceback_locations(tb: TracebackType | None) -> list[Location]:
    """The traceback's frames that are in user code, outermost first."""
    found = []
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if is_user_file(name):
            found.append(_location(name, tb.tb_lineno))
        tb = tb.tb_next
    return found


def passes_through(fn: Callable) -> Callable:
    """Mark a doctor wrapper that calls the user's own operation: an exception it lets through is the
    user's, not the doctor's."""
    _PASS_THROUGH.add(fn.__code__)
    return fn


def doctor_frames(tb: TracebackType | None) -> list[str]:
    """The doctor's frames in a traceback that passed through the user's code, as
    ``"file:line in function"``, when the doctor raised it; empty when it is the user's own error
    (raised in user or torch code, or let through by a wrapper that runs the user's operation)."""
    frames, innermost, in_script = [], None, False
    while tb is not None:
        code = tb.tb_frame.f_code
        if is_user_file(code.co_filename):
            in_script = True
        elif in_script and code.co_filename.startswith(_DOCTOR_DIR) and \
                os.path.basename(code.co_filename) not in _ENGINE_FILES:
            where = os.path.relpath(code.co_filename, _DOCTOR_DIR)
            frames.append(f"{where}:{tb.tb_lineno} in {code.co_name}")
            innermost = code
        tb = tb.tb_next
    return [] if innermost is None or innermost in _PASS_THROUGH else frames


_ASSIGNED = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(?::[^=]*)?=(?!=)")


def assigned_name(loc: Location | None) -> str:
    """``optimizerD`` for the line ``optimizerD = optim.Adam(...)``; empty when the line assigns nothing."""
    if loc is None:
        return ""
    m = _ASSIGNED.match(linecache.getline(loc.file, loc.line))
    return m.group(1) if m else ""


def name_in_frame(obj: object, frame: FrameType | None = None) -> str:
    """The name the innermost user frame gives ``obj`` (a local, ``self.x``, or a global), or ''."""
    f = frame or sys._getframe(1)
    while f is not None and not is_user_file(f.f_code.co_filename):
        f = f.f_back
    if f is None:
        return ""
    for name, value in f.f_locals.items():
        if value is obj:
            return name
    owner = f.f_locals.get("self")
    if owner is not None:
        for name, value in getattr(owner, "__dict__", {}).items():
            if value is obj:
                return f"self.{name}"
    for name, value in f.f_globals.items():
        if value is obj:
            return name
    return ""


_made_by_cache: dict[tuple[str, str], Location | None] = {}


def made_by_library(frame: FrameType | None = None) -> Location | None:
    """For an op that library code runs on the user's behalf (a transform inside a DataLoader), the
    user line that built the library object running it: ``transforms.ToTensor()``, not the ``for``
    line. The object is the innermost ``self`` from outside torch that is callable; its line is where
    the user's script calls its class."""
    f = frame or sys._getframe(1)
    user_files: list[str] = []
    owners: list[type] = []
    while f is not None:
        filename = f.f_code.co_filename
        if is_user_file(filename):
            user_files.append(filename)
        elif not user_files:
            owner = f.f_locals.get("self")
            module = type(owner).__module__ if owner is not None else "torch"
            if not module.startswith(("torch.", "gandoctor.", "builtins")) and callable(owner):
                owners.append(type(owner))
        f = f.f_back
    for cls in owners:
        for filename in dict.fromkeys(user_files):
            key = (filename, cls.__name__)
            if key not in _made_by_cache:
                _made_by_cache[key] = _call_line(filename, cls.__name__)
            if _made_by_cache[key] is not None:
                return _made_by_cache[key]
    return None


def _call_line(filename: str, name: str) -> Location | None:
    """The first line of ``filename`` that calls ``name(...)`` or ``x.name(...)`` (code, not comments)."""
    try:
        tree = ast.parse("".join(linecache.getlines(filename)))
    except (SyntaxError, ValueError):
        return None
    lines = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call) and
             (getattr(node.func, "id", None) == name or getattr(node.func, "attr", None) == name)]
    return Location(filename, min(lines)) if lines else None


def assigned_at(t: object, frame: FrameType | None = None) -> Location | None:
    """Where the user's code last assigned the variable that holds ``t`` (``images = torch.from_numpy(
    pixels / 255.0)``): for a tensor made where the doctor could not see it (numpy, legacy constructors)."""
    f = frame or sys._getframe(1)
    while f is not None and not is_user_file(f.f_code.co_filename):
        f = f.f_back
    while f is not None:
        if is_user_file(f.f_code.co_filename):
            for scope in (f.f_locals, f.f_globals):
                for name, value in scope.items():
                    if value is t:
                        found = _last_assignment(f.f_code.co_filename, name, f.f_lineno)
                        # in code a framework generated (autograph), the script's own line
                        return _location(found.file, found.line) if found is not None else None
        f = f.f_back
    return None


def _last_assignment(filename: str, name: str, before: int) -> Location | None:
    pattern = re.compile(rf"^\s*{re.escape(name)}\s*(?::[^=]*)?=(?!=)")
    found = None
    for number, text in enumerate(linecache.getlines(filename), 1):
        if pattern.match(text):
            found = Location(filename, number)
            if number >= before:
                break
    return found


def _generated(filename: str, line: int) -> bool:
    return any((mapped := line_map(filename, line)) is not None and mapped.file != filename
               for line_map in LINE_MAPS)


def array_source(batch: Any, frame: FrameType | None = None) -> Location | None:
    """Where the user's code made the array a fed batch was cut from (``images = raw / 255.0``), for data
    handed to a framework as numpy (a TF1 ``feed_dict``): of the arrays in scope in the user's frames, the
    largest whose samples have the batch's shape and dtype (the raw pixels it was scaled from have another
    dtype), at the line that last assigned it. Chosen by shape, dtype and size, never by name; None when no
    such array is in scope."""
    if not isinstance(batch, np.ndarray) or batch.ndim < 2:
        return None
    f = frame or sys._getframe(1)
    best: tuple[tuple[bool, int], str, str, int] | None = None  # (rank, name, file, line)
    while f is not None:
        # not code a framework generated from the user's (autograph's converted copy runs with the
        # script's globals, from a file where no assignment of them is written): the script's own frames
        # further out see the same arrays
        if is_user_file(f.f_code.co_filename) and not _generated(f.f_code.co_filename, f.f_lineno):
            for scope in (f.f_locals, f.f_globals):
                for name, value in scope.items():
                    if not isinstance(value, np.ndarray) or value.shape[1:] != batch.shape[1:] or \
                            value.ndim != batch.ndim:
                        continue
                    rank = (value.dtype == batch.dtype, len(value))
                    if best is None or rank > best[0]:
                        best = (rank, name, f.f_code.co_filename, f.f_lineno)
        f = f.f_back
    return None if best is None else _last_assignment(best[2], best[1], best[3])
