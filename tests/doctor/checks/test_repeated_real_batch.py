"""repeated-real-batch: first error on a real digits GAN with the bug, silent without it."""

from gandoctor.doctor.checks import repeated_real_batch as check

from .digits_gan_b2 import ids, train


def test_found_first_with_the_bug():
    doc = train("fixed-batch", iterations=4, d_steps=1)
    errors = [f for f in doc.findings if f.severity == "error"]
    assert errors and errors[0].id == check.ID, doc.report()
    found = errors[0]
    assert found.location is not None
    assert found.step <= 4


def test_silent_on_the_same_loop_without_the_bug():
    doc = train("", iterations=4, d_steps=1)
    assert check.ID not in ids(doc) + ids(doc, "warning"), doc.report()
