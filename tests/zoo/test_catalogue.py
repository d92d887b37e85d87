"""docs/catalogue.md covers every finding id the doctor has, and every zoo expectation is a real id."""

from __future__ import annotations

import subprocess
import sys

from zoo_support import REPO, all_scripts

from gandoctor.doctor.checks import all_checks


def test_catalogue_is_rendered_from_the_checks_as_they_are():
    """The whole file, words and zoo lists included, is what render_catalogue.py makes now."""
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "render_catalogue.py"), "--check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_every_zoo_expectation_names_a_check():
    ids = {c.id for c in all_checks()}
    unknown = {s.name: s.expected_id for s in all_scripts() if s.buggy and s.expected_id not in ids}
    assert not unknown
