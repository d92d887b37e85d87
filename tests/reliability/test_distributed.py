"""DDP through torchrun: 2 processes on gloo train the same run as 1 process with the same global batch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from gandoctor.train.config import TrainConfig
from gandoctor.train.distributed import merge_findings
from gandoctor.train.loop import train

# A small MLP GAN on scikit-learn's digits: no BatchNorm, so per-rank shards see exactly what one
# process sees (a BatchNorm model would compute statistics per shard unless --sync-bn, which needs CUDA).
ARGS = [
    "--data",
    "digits",
    "--model",
    "mlp",
    "--hidden",
    "64,64",
    "--batch-size",
    "32",
    "--steps",
    "12",
    "--log-every",
    "3",
    "--ckpt-every",
    "6",
    "--sample-every",
    "100",
    "--no-doctor",
    "--quiet",
    # batch statistics (BatchNorm in G, minibatch std in D) are per process under DDP, as in any DDP
    # run without SyncBatchNorm, so the comparison with one process turns them off
    "--no-g-batchnorm",
    "--no-minibatch-std",
]


def _run_process_group(cmd: list[str], env: dict, timeout: float) -> tuple[int, str]:
    """Run torchrun in its own session so that a hang kills the workers too, not only the launcher."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # fmt: skip
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, stderr = proc.communicate()
        pytest.fail(f"torchrun did not finish in {timeout} s: {stderr[-2000:]}")
    return proc.returncode, stderr


def _metrics(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]


@pytest.mark.slow
def test_two_gloo_processes_match_one_process(tmp_path: Path) -> None:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    two = tmp_path / "two"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
           "-m", "gandoctor", "train", *ARGS, "--run-dir", str(two)]  # fmt: skip
    returncode, stderr = _run_process_group(cmd, env, timeout=240)
    assert returncode == 0, stderr[-3000:]

    one = tmp_path / "one"
    cfg = TrainConfig(
        data="digits",
        model="mlp",
        hidden=[64, 64],
        batch_size=32,
        steps=12,
        log_every=3,
        ckpt_every=6,
        sample_every=100,
        doctor=False,
        quiet=True,
        g_batchnorm=False,
        minibatch_std=False,
        run_dir=str(one),
    )
    train(cfg)

    rows_one, rows_two = _metrics(one), _metrics(two)
    assert [r["step"] for r in rows_two] == [3, 6, 9, 12]
    for a, b in zip(rows_one, rows_two, strict=True):
        for key in ("d_loss", "g_loss", "d_real", "d_fake", "g_grad_norm", "d_grad_norm"):
            assert b[key] == pytest.approx(a[key], abs=1e-4), (a["step"], key)
    # rank 0 alone wrote the run dir: checkpoints as in one process, one metrics line per log step
    assert sorted(p.name for p in (two / "checkpoints").iterdir()) == ["step_000006.pt", "step_000012.pt"]


def test_merge_findings_keeps_each_id_once_with_its_earliest_step() -> None:
    rank0 = {
        "version": 1,
        "steps": 100,
        "findings": [
            {"id": "d-overpowering", "step": 40, "severity": "warning"},
            {"id": "mode-collapse", "step": 90, "severity": "warning"},
        ],
    }
    rank1 = {
        "version": 1,
        "steps": 100,
        "findings": [
            {"id": "mode-collapse", "step": 60, "severity": "warning"},
            {"id": "nan-loss", "step": 70, "severity": "error"},
        ],
    }
    merged = merge_findings([rank0, rank1])
    assert [(f["id"], f["step"]) for f in merged["findings"]] == [
        ("d-overpowering", 40),
        ("mode-collapse", 60),
        ("nan-loss", 70),
    ]
    assert merged["steps"] == 100
