"""The tiny GAN without a planted bug: no finding at all, neither error nor warning.

Each check's own file tests it on a correct twin of its bug (the same loop with the right version of
the line); this is the one test of the plain correct loop they all share.
"""

from __future__ import annotations


def test_the_correct_tiny_gan_gets_no_finding(diagnose):
    doc = diagnose("")
    assert [f for f in doc.findings if f.severity in ("error", "warning")] == [], doc.report()
