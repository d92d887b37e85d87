"""discriminator-updated-by-generator-loss: found at the right line, silent on correct code."""

import pytest

from ..conftest import errors, first_error

ID = "discriminator-updated-by-generator-loss"

@pytest.mark.parametrize("bug", ['joint-backward'])
def test_found_first(diagnose, line, bug):
    found = first_error(diagnose(bug))
    assert found.id == ID, diagnose(bug).report()
    assert found.location.line == line(bug)
    assert found.step <= 4  # within the first two iterations


@pytest.mark.parametrize("correct", ['freeze-unfreeze'])
def test_silent_on_correct(diagnose, correct):
    assert errors(diagnose(correct)) == [], diagnose(correct).report()
