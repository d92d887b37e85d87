"""Options that cannot work together are refused with one line before any training starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from gandoctor.cli import main


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--compile"], "--compile needs --no-doctor"),
        (["--compile", "--no-doctor", "--loss", "wgan-gp"], "--compile does not work with --loss wgan-gp"),
    ],
)
def test_incompatible_options_are_one_clear_line(tmp_path: Path, capsys, extra: list, message: str) -> None:
    assert main(["train", "--steps", "1", "--run-dir", str(tmp_path / "run"), *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
    assert not (tmp_path / "run").exists()


def test_unknown_on_nan_policy_is_one_clear_line(tmp_path: Path, capsys) -> None:
    assert main(["train", "--on-nan", "retry", "--run-dir", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err.strip()
    assert "unknown --on-nan 'retry'; choose from stop, rollback" in err and len(err.splitlines()) == 1
