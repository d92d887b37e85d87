"""probability-loss-on-logits: log(D) or BCELoss on raw scores, seen in the graph or in the crash."""

import pytest

import gandoctor

from ..conftest import errors, first_error
from ..tiny_gan import line_of, train_probability_loss

ID = "probability-loss-on-logits"


def test_log_of_raw_scores_is_found():
    with gandoctor.watch() as doc:
        train_probability_loss(raw_scores=True)
    found = first_error(doc)
    assert found.id == ID, doc.report()
    assert found.location.line == line_of("log-raw")
    assert found.evidence["producer"] == "linear"


def test_bce_on_raw_scores_explains_the_crash():
    with pytest.raises(RuntimeError, match="between 0 and 1"), gandoctor.watch() as doc:
        train_probability_loss(raw_scores=True, use_bce_module=True)
    found = first_error(doc)
    assert found.id == ID, doc.report()
    assert found.location.line == line_of("bce-raw")
    assert found.evidence["producer"] == "linear", found.evidence  # the failed call is still recorded
    crash = [f for f in doc.findings if f.id == "script-error"]
    assert crash and crash[0].explained_by == ID


def test_silent_when_scores_go_through_a_sigmoid():
    with gandoctor.watch() as doc:
        train_probability_loss(raw_scores=False)
    assert errors(doc) == [], doc.report()
