"""Fixtures for the doctor's tests: run the tiny digits GAN (tiny_gan.py) under the doctor."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import torch

import gandoctor
from gandoctor.doctor.api import Doctor
from gandoctor.doctor.findings import Finding

from .tiny_gan import line_of, train

_CACHE: dict[str, Doctor] = {}


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """The machine is shared; one thread keeps these tiny models fast and timings steady."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def diagnose() -> Callable[[str], Doctor]:
    """Train the tiny GAN with one planted bug ("" for none) under ``gandoctor.watch()``."""

    def run(bug: str) -> Doctor:
        if bug not in _CACHE:
            doc = gandoctor.watch()
            try:
                with doc:
                    train(bug)
            except RuntimeError:
                pass  # some bugs crash the script; the doctor still reports
            _CACHE[bug] = doc
        return _CACHE[bug]

    return run


@pytest.fixture
def line() -> Callable[[str], int]:
    return line_of


def first_error(doc: Doctor) -> Finding:
    errors = [f for f in doc.findings if f.severity == "error"]
    assert errors, doc.report()
    return errors[0]


def errors(doc: Doctor) -> list[Finding]:
    return [f for f in doc.findings if f.severity == "error"]
