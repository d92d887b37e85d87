"""NaN/Inf during training, forced for real with absurd learning rates on an LSGAN (no mocks)."""

from __future__ import annotations

import json
from pathlib import Path

import torch

from gandoctor.cli import main
from gandoctor.train.checkpoint import step_checkpoints


def _args(run_dir: Path, lr: float, *extra: str) -> list[str]:
    # the plain MLP (no spectral norm or BatchNorm, which would hold off the blow-up), as it was measured
    return ["train", "--data", "digits", "--model", "mlp", "--loss", "lsgan", "--lr-g", str(lr), "--lr-d",
            str(lr), "--no-spectral-norm", "--no-g-batchnorm", "--no-minibatch-std", "--steps", "30",
            "--log-every", "2", "--ckpt-every", "2", "--sample-every", "1000",
            "--no-doctor", "--quiet", "--run-dir", str(run_dir), *extra]  # fmt: skip


def _rows(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]


def _all_checkpoints_finite(run_dir: Path) -> bool:
    for path in step_checkpoints(run_dir):
        state = torch.load(path, weights_only=True)
        for net in ("G", "D"):
            if not all(torch.isfinite(t).all() for t in state[net].values() if t.is_floating_point()):
                return False
    return True


def test_default_stops_at_the_first_non_finite_loss_and_saves_nothing_broken(tmp_path: Path, capsys) -> None:
    # lr 40 blows an LSGAN up by step 4 on this data; a checkpoint at step 2 comes first.
    assert main(_args(tmp_path, 40.0)) == 1
    assert "became NaN/Inf by step" in capsys.readouterr().err
    assert step_checkpoints(tmp_path) and _all_checkpoints_finite(tmp_path)
    assert all(r["step"] < 30 for r in _rows(tmp_path))


def test_rollback_returns_to_the_last_good_checkpoint_with_lower_lr(tmp_path: Path, capsys) -> None:
    assert main(_args(tmp_path, 40.0, "--on-nan", "rollback")) == 0
    assert "rolling back to the last good checkpoint" in capsys.readouterr().err
    rows = _rows(tmp_path)
    assert [r["step"] for r in rows] == list(range(2, 31, 2))  # reached the end, no step twice
    assert [r["step"] for r in rows if "rollback_from" in r]  # the rollback is on record
    assert rows[0]["lr_g"] == 40.0 and rows[-1]["lr_g"] in (20.0, 10.0, 5.0)
    assert all(torch.isfinite(torch.tensor(r["d_loss"])) for r in rows)
    assert _all_checkpoints_finite(tmp_path)


def test_rollback_with_no_checkpoint_yet_is_one_clear_line(tmp_path: Path, capsys) -> None:
    assert main(_args(tmp_path, 1e6, "--on-nan", "rollback")) == 2  # blows up before the first save
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("gandoctor train: error: losses became NaN/Inf at step 2 before the first")
