"""Collects every zoo outcome and prints the summary table at the end of the session."""

from __future__ import annotations

import pytest
from zoo_support import OUTCOMES, summary


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if OUTCOMES:
        terminalreporter.write_sep("=", "gandoctor zoo")
        terminalreporter.write_line(summary(OUTCOMES))
