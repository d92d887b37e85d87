"""Collects every zoo outcome and prints the summary table at the end of the session; one thread."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
from zoo_support import OUTCOMES, summary


@pytest.fixture
def one_thread() -> Iterator[None]:
    """The machine is shared; two threads fighting other processes make small models 10x slower.

    Also leaves no process group behind: a DDP script stopped at its step budget never reaches its
    own destroy_process_group(), and the next one could not initialise its own."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        torch.distributed.destroy_process_group()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if OUTCOMES:
        terminalreporter.write_sep("=", "gandoctor zoo")
        terminalreporter.write_line(summary(OUTCOMES))
