"""Collects every zoo outcome and prints the summary table at the end of the session; one thread."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
from zoo_support import OUTCOMES, summary


@pytest.fixture
def one_thread() -> Iterator[None]:
    """The machine is shared; two threads fighting other processes make small models 10x slower."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if OUTCOMES:
        terminalreporter.write_sep("=", "gandoctor zoo")
        terminalreporter.write_line(summary(OUTCOMES))
