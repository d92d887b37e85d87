"""Stopping and continuing gives exactly the losses of never stopping; Ctrl-C saves and stops cleanly."""

from __future__ import annotations

import os
import shutil
import signal
import threading

import pytest
import torch

from gandoctor.cli import main
from gandoctor.train.checkpoint import load_latest, step_checkpoints
from gandoctor.train.loop import train

from .conftest import quick_config, read_metrics

VARYING = ("img_per_s", "time")  # wall-clock columns; everything else must match bit for bit


def _comparable(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in VARYING} for row in rows]


OPTIONS = [
    {"ema": 0.9, "label_smoothing": 0.1},  # MLP with EMA
    {"model": "dcgan", "image_size": 28, "ngf": 4, "ndf": 4, "d_steps": 2},  # BatchNorm running stats
]


@pytest.mark.parametrize("options", OPTIONS)
def test_resume_matches_an_uninterrupted_run(tmp_path, options):
    train(quick_config(tmp_path / "straight", steps=20, **options))
    train(quick_config(tmp_path / "split", steps=10, **options))
    # continue through the CLI, as a user would
    assert main(["train", "--resume", str(tmp_path / "split"), "--steps", "20"]) == 0
    assert _comparable(read_metrics(tmp_path / "split")) == _comparable(read_metrics(tmp_path / "straight"))
    a, b = load_latest(tmp_path / "straight"), load_latest(tmp_path / "split")
    assert a["step"] == b["step"] == 20
    assert all(torch.equal(a["G"][k], b["G"][k]) for k in a["G"])
    assert all(torch.equal(a["G_ema"][k], b["G_ema"][k]) for k in a.get("G_ema", {}))


def test_resume_after_a_crash_mid_log_window(tmp_path):
    """Checkpoint at step 7, log_every=5: the half-filled window and later lines must come out the same."""
    train(quick_config(tmp_path / "straight", steps=14, ckpt_every=7))
    shutil.copytree(tmp_path / "straight", tmp_path / "crashed")
    (tmp_path / "crashed" / "checkpoints" / "step_000014.pt").unlink()  # as if killed after step 7's save
    train(quick_config(tmp_path / "crashed", steps=14, ckpt_every=7), resume=True)
    assert _comparable(read_metrics(tmp_path / "crashed")) == _comparable(read_metrics(tmp_path / "straight"))


def test_resume_cannot_change_the_model(tmp_path, capsys):
    train(quick_config(tmp_path, steps=2))
    assert main(["train", "--resume", str(tmp_path), "--loss", "lsgan"]) == 2
    assert "cannot change loss" in capsys.readouterr().err


def test_ctrl_c_saves_a_checkpoint_and_stops(tmp_path):
    cfg = quick_config(tmp_path, steps=1_000_000)
    timer = threading.Timer(3.0, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        result = train(cfg)
    finally:
        timer.cancel()
    assert result.interrupted and 0 < result.step < cfg.steps
    assert step_checkpoints(tmp_path)[0].name == f"step_{result.step:06d}.pt"
    assert read_metrics(tmp_path)[-1]["step"] == result.step
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored
    # and the run continues from there
    resumed = train(quick_config(tmp_path, steps=result.step + 3), resume=True)
    assert resumed.step == result.step + 3 and not resumed.interrupted
