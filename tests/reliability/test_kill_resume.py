"""`kill -9` during `gandoctor train`, then `--resume`: nothing corrupt, one interval lost at most."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from gandoctor.cli import main
from gandoctor.train.checkpoint import step_checkpoints

STEPS, LOG_EVERY, CKPT_EVERY = 300, 5, 10
ARGS = ["train", "--data", "digits", "--model", "mlp", "--hidden", "64,64", "--batch-size", "32",
        "--steps", str(STEPS), "--log-every", str(LOG_EVERY), "--ckpt-every", str(CKPT_EVERY),
        "--sample-every", "1000", "--keep", "3", "--no-doctor", "--quiet"]  # fmt: skip
LOSS_KEYS = ("d_loss", "g_loss", "d_real", "d_fake", "g_grad_norm", "d_grad_norm")


def _rows(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]


def _start_and_kill(run_dir: Path, rng: random.Random) -> int:
    """Start a real training process and SIGKILL it at a random moment after a random checkpoint.

    The moment is tied to progress (a checkpoint step between the first one and mid-run, then up to
    30 ms more), not to wall time, so a fast or a loaded machine kills it mid-run all the same.
    """
    target = rng.randrange(CKPT_EVERY, STEPS // 2, CKPT_EVERY)
    proc = subprocess.Popen([sys.executable, "-m", "gandoctor", *ARGS, "--run-dir", str(run_dir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        newest = step_checkpoints(run_dir)
        if newest and int(newest[0].stem.split("_")[1]) >= target:
            break
        time.sleep(0.005)
    time.sleep(rng.uniform(0.0, 0.03))
    proc.kill()
    _, stderr = proc.communicate()
    assert proc.returncode == -9, f"training ended before the kill (rc {proc.returncode}): {stderr[-2000:]}"
    return max(r["step"] for r in _rows(run_dir))


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> list[dict]:
    run_dir = tmp_path_factory.mktemp("uninterrupted")
    assert main([*ARGS, "--run-dir", str(run_dir)]) == 0
    return _rows(run_dir)


@pytest.mark.slow
def test_kill_9_then_resume_reaches_the_end_like_an_uninterrupted_run(tmp_path: Path, uninterrupted) -> None:
    run_dir = tmp_path / "run"
    last_logged = _start_and_kill(run_dir, random.Random())

    # Every checkpoint left behind loads, and at most one interval of work is lost.
    saved = [torch.load(p, weights_only=True)["step"] for p in step_checkpoints(run_dir)]
    assert saved and max(saved) >= last_logged - CKPT_EVERY, (saved, last_logged)

    assert main(["train", "--resume", str(run_dir), "--quiet"]) == 0
    rows = _rows(run_dir)
    assert [r["step"] for r in rows] == list(range(LOG_EVERY, STEPS + 1, LOG_EVERY))  # none twice, none lost
    assert torch.load(step_checkpoints(run_dir)[0], weights_only=True)["step"] == STEPS
    # The resumed run is the same run: weights, optimizer, sampler, RNG and log window were restored.
    for got, want in zip(rows, uninterrupted, strict=True):
        for key in LOSS_KEYS:
            assert got[key] == pytest.approx(want[key], abs=1e-5), (got["step"], key)


@pytest.fixture(scope="module")
def finished_40_steps(tmp_path_factory) -> Path:
    run_dir = tmp_path_factory.mktemp("finished") / "run"
    args = [a if a != str(STEPS) else "40" for a in ARGS]
    assert main([*args, "--run-dir", str(run_dir)]) == 0
    return run_dir


def test_half_written_metrics_line_is_dropped_on_resume(tmp_path: Path, finished_40_steps: Path) -> None:
    run_dir = shutil.copytree(finished_40_steps, tmp_path / "run")
    with open(run_dir / "metrics.jsonl", "a") as f:
        f.write('{"step": 45, "d_loss": 0.6')  # what a kill in the middle of a write could leave
    assert main(["train", "--resume", str(run_dir), "--steps", "60", "--quiet"]) == 0
    assert [r["step"] for r in _rows(run_dir)] == list(range(5, 61, 5))


def test_truncated_newest_checkpoint_resumes_from_the_previous_one(
    tmp_path: Path, finished_40_steps: Path, capsys
) -> None:
    run_dir = shutil.copytree(finished_40_steps, tmp_path / "run")
    newest = step_checkpoints(run_dir)[0]
    assert newest.name == "step_000040.pt"
    newest.write_bytes(newest.read_bytes()[:1000])
    assert main(["train", "--resume", str(run_dir), "--steps", "60", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "step_000040.pt is truncated or corrupt" in err
    assert [r["step"] for r in _rows(run_dir)] == list(range(5, 61, 5))  # resumed at 30, redid 31..40
    assert all(torch.load(p, weights_only=True) for p in step_checkpoints(run_dir))


def test_resume_with_only_corrupt_checkpoints_is_one_clear_line(
    tmp_path: Path, finished_40_steps: Path, capsys
) -> None:
    run_dir = shutil.copytree(finished_40_steps, tmp_path / "run")
    for path in step_checkpoints(run_dir):
        path.write_bytes(b"")
    assert main(["train", "--resume", str(run_dir), "--steps", "60", "--quiet"]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("gandoctor train: error: none of the 3 checkpoints")
