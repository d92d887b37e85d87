"""One adapter per framework, each turning its framework's calls into the events of ``doctor/events.py``.

``pytorch/`` is always attached (the project is built on torch). ``tf/`` (TensorFlow) and ``keras3/``
(Keras 3) attach only once the script imports their framework, so a torch user never pays TensorFlow's
import: ``install_lazy`` puts an import hook on ``sys.meta_path`` that runs the adapter's ``install`` right
after the framework's package has executed (or at once, when it was imported before the doctor started).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from gandoctor.doctor.recorder import Recorder

# framework package -> the adapter module that attaches to it, in the order they load
LAZY_ADAPTERS = {"tensorflow": "gandoctor.doctor.adapters.tf", "keras": "gandoctor.doctor.adapters.keras3"}


class _AfterImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself: for a watched package it asks the other finders, and wraps the loader so the
    adapter is installed once the package's ``__init__`` has run."""

    def __init__(self, attach: Callable[[str], None]) -> None:
        self.pending = set(LAZY_ADAPTERS)
        self.attach = attach

    def find_spec(
        self, fullname: str, path: Any, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.pending:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        original = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original(module)
            if fullname in self.pending:
                self.pending.discard(fullname)
                self.attach(fullname)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install_lazy(rec: Recorder) -> Callable[[], None]:
    """Attach each framework's adapter when the script imports it; returns the undo of all of them."""
    removers: list[Callable[[], None]] = []

    def attach(framework: str) -> None:
        module = importlib.import_module(LAZY_ADAPTERS[framework])
        remove = rec.guard(f"attach to {framework}", module.install, rec)
        if remove is not None:
            removers.append(remove)

    finder = _AfterImport(attach)
    for framework in LAZY_ADAPTERS:
        if framework in sys.modules:
            finder.pending.discard(framework)
            rec.guard(f"attach to {framework}", attach, framework)
    sys.meta_path.insert(0, finder)

    def remove() -> None:
        if finder in sys.meta_path:
            sys.meta_path.remove(finder)
        for undo in reversed(removers):
            rec.guard("detach", undo)

    return remove
