"""linear-without-activation: found with the right line on the tiny GAN, silent on correct code."""

import pytest

from ..conftest import errors, first_error

ID = "linear-without-activation"

@pytest.mark.parametrize("bug", ['linear-chain'])
def test_found_first(diagnose, line, bug):
    found = first_error(diagnose(bug))
    assert found.id == ID, diagnose(bug).report()
    assert found.location.line == line(bug)
    assert found.step <= 4  # within the first two iterations


@pytest.mark.parametrize("correct", ['tanh-hidden'])
def test_silent_on_correct(diagnose, correct):
    assert errors(diagnose(correct)) == [], diagnose(correct).report()
