"""The doctor never changes the run it watches: every idioms script gives bitwise the same losses with
and without it.

Each script runs twice in this process, from its own seed, for its zoo step budget: once plain (a
step hook stops it at the budget) and once through ``run_script``. A tap on ``torch.autograd.backward``
records every scalar loss as ``float.hex`` in both runs; the tap only reads. The lists must be equal,
and a script that crashes must crash the same way in both.
"""

from __future__ import annotations

import os
import runpy
import sys

import pytest
import torch
from torch.optim.optimizer import register_optimizer_step_post_hook
from zoo_support import ZooScript, all_scripts

from gandoctor.doctor.runner import run_script

IDIOMS = [s for s in all_scripts() if s.section == "idioms"]


class _Budget(Exception):
    """Raised by the plain run's step hook at the step budget."""


class _LossTap:
    """Records each scalar loss passed to backward, as exact hex, without touching it."""

    def __init__(self) -> None:
        self.losses: list[str] = []
        self._original = torch.autograd.backward

    def __enter__(self) -> _LossTap:
        original = self._original

        def backward(tensors, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
            t = tensors[0] if isinstance(tensors, (list, tuple)) else tensors
            if isinstance(t, torch.Tensor) and t.numel() == 1:
                self.losses.append(float(t.detach().float()).hex())
            return original(tensors, *args, **kwargs)

        torch.autograd.backward = backward
        return self

    def __exit__(self, *exc: object) -> None:
        torch.autograd.backward = self._original


def _plain(script: ZooScript) -> tuple[list[str], str | None]:
    steps = 0

    def count(opt: torch.optim.Optimizer, args: tuple, kwargs: dict) -> None:
        nonlocal steps
        steps += 1
        if steps >= script.max_steps:
            raise _Budget

    handle = register_optimizer_step_post_hook(count)
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv, error = [str(script.path)], None
    sys.path.insert(0, os.path.dirname(script.path))
    try:
        with _LossTap() as tap:
            runpy.run_path(str(script.path), run_name="__main__")
    except _Budget:
        pass
    except Exception as exc:  # Lightning wraps what a hook raises; the budget stop is still a stop
        error = None if _is_budget(exc) else type(exc).__name__
    finally:
        handle.remove()
        sys.argv, sys.path[:] = saved_argv, saved_path
    return tap.losses, error


def _is_budget(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, _Budget):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _watched(script: ZooScript) -> tuple[list[str], str | None]:
    with _LossTap() as tap:
        doctor = run_script(str(script.path), [], script.max_steps)
    errors = [e.type for e in doctor.run.exceptions]
    return tap.losses, errors[0] if errors else None


def test_the_idioms_section_exists():
    assert len([s for s in IDIOMS if not s.buggy]) >= 15 and len([s for s in IDIOMS if s.buggy]) >= 15


@pytest.mark.slow
@pytest.mark.parametrize("script", IDIOMS, ids=lambda s: s.name)
def test_same_losses_with_and_without_the_doctor(script: ZooScript, one_thread: None) -> None:
    reason = script.missing_data()
    if reason:
        pytest.skip(reason)
    plain, plain_error = _plain(script)
    watched, watched_error = _watched(script)
    assert plain, "the script backpropagated no scalar loss"
    assert watched_error == plain_error
    assert len(watched) == len(plain)
    first_difference = next((i for i, (a, b) in enumerate(zip(plain, watched, strict=True)) if a != b), None)
    assert first_difference is None, f"loss {first_difference}: {plain[first_difference]} vs " \
                                     f"{watched[first_difference]} with the doctor"
