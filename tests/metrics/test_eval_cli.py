"""`gandoctor eval RUN_DIR` on a real (short) training run: prints the metrics and can append them."""

from __future__ import annotations

import json

from gandoctor.cli import main
from gandoctor.train.config import TrainConfig
from gandoctor.train.loop import train


def test_eval_prints_and_appends_digit_metrics(tmp_path, capsys):
    run_dir = tmp_path / "run"
    train(TrainConfig(run_dir=str(run_dir), steps=20, log_every=10, quiet=True, doctor=False, report=False,
                      threads=1))
    assert main(["eval", str(run_dir), "-n", "100", "--append"]) == 0
    out = capsys.readouterr().out
    assert "step 20" in out and "primary: fd" in out
    row = json.loads((run_dir / "eval.jsonl").read_text().splitlines()[-1])
    assert row["step"] == 20 and 0 <= row["classes_hit"] <= 10 and row["fd"] > 0
