"""optimizer-wrong-parameters: found with the right line on the tiny GAN, silent on correct code."""

import pytest

from ..conftest import errors, first_error

ID = "optimizer-wrong-parameters"

@pytest.mark.parametrize("bug", ['optimizer-wrong'])
def test_found_first(diagnose, line, bug):
    found = first_error(diagnose(bug))
    assert found.id == ID, diagnose(bug).report()
    assert found.location.line == line(bug)
    assert found.step <= 4  # within the first two iterations


@pytest.mark.parametrize("correct", ['param-groups'])
def test_silent_on_correct(diagnose, correct):
    assert errors(diagnose(correct)) == [], diagnose(correct).report()
