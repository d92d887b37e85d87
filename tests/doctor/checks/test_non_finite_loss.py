"""non-finite-loss: first error on a real digits GAN with the bug, silent without it."""

from gandoctor.doctor.checks import non_finite_loss as check

from .digits_gan_b2 import ids, line_of, train


def test_found_first_with_the_bug():
    doc = train("nan-data", iterations=3, d_steps=1)
    errors = [f for f in doc.findings if f.severity == "error"]
    assert errors and errors[0].id == check.ID, doc.report()
    found = errors[0]
    assert found.location is not None and found.location.line == line_of("nan-data")
    assert found.step == 0 and found.evidence["value"] == "NaN"


def test_silent_on_the_same_loop_without_the_bug():
    doc = train("", iterations=3, d_steps=1)
    assert check.ID not in ids(doc) + ids(doc, "warning"), doc.report()
