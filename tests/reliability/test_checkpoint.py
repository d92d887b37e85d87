"""Checkpoint files: atomic writes, pruning, corrupt/truncated fallback, weights_only, disk full."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from gandoctor.train.checkpoint import (
    CheckpointError,
    capture_rng,
    load_best,
    load_latest,
    restore_rng,
    save_best,
    save_checkpoint,
    step_checkpoints,
)


def _state(step: int) -> dict:
    torch.manual_seed(step)
    model = torch.nn.Linear(8, 4)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model(torch.randn(2, 8)).sum().backward()
    opt.step()
    return {"step": step, "model": model.state_dict(), "opt": opt.state_dict(), "lr": 1e-3, "name": "x"}


def test_round_trip_keeps_tensors_and_optimizer_state(tmp_path: Path) -> None:
    state = _state(7)
    path = save_checkpoint(tmp_path, 7, state)
    assert path == tmp_path / "checkpoints" / "step_000007.pt"
    loaded = load_latest(tmp_path)
    assert loaded is not None and loaded["step"] == 7
    for key, value in state["model"].items():
        assert torch.equal(loaded["model"][key], value)
    assert torch.equal(loaded["opt"]["state"][0]["exp_avg"], state["opt"]["state"][0]["exp_avg"])
    assert not [p for p in (tmp_path / "checkpoints").iterdir() if p.name.startswith(".")]


def test_keeps_only_newest_n(tmp_path: Path) -> None:
    for step in (100, 200, 300, 400, 500):
        save_checkpoint(tmp_path, step, {"step": step}, keep=2)
    assert [p.name for p in step_checkpoints(tmp_path)] == ["step_000500.pt", "step_000400.pt"]
    assert load_latest(tmp_path)["step"] == 500


def test_no_checkpoint_gives_none(tmp_path: Path) -> None:
    assert load_latest(tmp_path) is None
    assert load_best(tmp_path) is None


@pytest.mark.parametrize("damage", ["truncate", "zero_bytes", "garbage"])
def test_damaged_newest_falls_back_to_previous(tmp_path: Path, capsys, damage: str) -> None:
    save_checkpoint(tmp_path, 10, _state(10))
    newest = save_checkpoint(tmp_path, 20, _state(20))
    data = newest.read_bytes()
    if damage == "truncate":
        newest.write_bytes(data[: len(data) // 2])
    elif damage == "zero_bytes":
        newest.write_bytes(b"")
    else:
        newest.write_bytes(os.urandom(len(data)))
    loaded = load_latest(tmp_path)
    assert loaded is not None and loaded["step"] == 10
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "step_000020.pt" in err[0] and "corrupt" in err[0]


def test_all_damaged_is_a_clear_error(tmp_path: Path) -> None:
    save_checkpoint(tmp_path, 10, {"step": 10}).write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="none of the 1 checkpoints"):
        load_latest(tmp_path)


class _RunsCode:
    """Unpickling this would create a file: exactly what weights_only=True must refuse."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_weights_only_refuses_a_file_that_would_run_code(tmp_path: Path, capsys) -> None:
    save_checkpoint(tmp_path, 1, {"step": 1})
    marker = tmp_path / "code_ran"
    torch.save({"step": 2, "evil": _RunsCode(marker)}, tmp_path / "checkpoints" / "step_000002.pt")
    loaded = load_latest(tmp_path)
    assert loaded["step"] == 1
    assert not marker.exists()
    assert "weights_only" in capsys.readouterr().err


def test_best_round_trip_and_corrupt_best(tmp_path: Path, capsys) -> None:
    save_best(tmp_path, {"step": 3, "fd": 1.5})
    assert load_best(tmp_path) == {"step": 3, "fd": 1.5}
    (tmp_path / "checkpoints" / "best.pt").write_bytes(b"\x00" * 10)
    assert load_best(tmp_path) is None
    assert "best.pt" in capsys.readouterr().err


def test_unserializable_state_touches_no_file(tmp_path: Path) -> None:
    save_checkpoint(tmp_path, 1, {"step": 1})
    with pytest.raises(Exception):  # noqa: B017 - pickle's error type is not ours to pin
        save_checkpoint(tmp_path, 2, {"step": 2, "fn": lambda: 0})
    assert sorted(p.name for p in (tmp_path / "checkpoints").iterdir()) == ["step_000001.pt"]


def test_stale_temp_file_from_a_killed_writer_is_ignored_and_cleaned(tmp_path: Path) -> None:
    save_checkpoint(tmp_path, 1, {"step": 1})
    stale = tmp_path / "checkpoints" / ".step_000002.pt.12345.tmp"
    stale.write_bytes(b"half written")
    assert load_latest(tmp_path)["step"] == 1
    save_checkpoint(tmp_path, 2, {"step": 2})
    assert not stale.exists()


def test_rng_state_round_trips_through_a_checkpoint(tmp_path: Path) -> None:
    random.seed(1)
    np.random.seed(2)
    torch.manual_seed(3)
    save_checkpoint(tmp_path, 1, {"rng": capture_rng()})
    expected = (random.random(), float(np.random.rand()), torch.rand(3))
    random.seed(9)
    np.random.seed(9)
    torch.manual_seed(9)
    restore_rng(load_latest(tmp_path)["rng"])
    got = (random.random(), float(np.random.rand()), torch.rand(3))
    assert expected[:2] == got[:2] and torch.equal(expected[2], got[2])


_WRITER = textwrap.dedent(
    """
    import sys, torch
    from gandoctor.train.checkpoint import save_checkpoint
    big = torch.randn(2_000_000)  # 8 MB, so that a kill often lands mid-write
    step = 0
    while True:
        step += 1
        save_checkpoint(sys.argv[1], step, {"step": step, "big": big}, keep=2)
        print(step, flush=True)
    """
)


@pytest.mark.slow
def test_kill_9_while_writing_never_leaves_a_corrupt_checkpoint(tmp_path: Path, capsys) -> None:
    rng = random.Random(0)
    for _ in range(2):
        proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path)], stdout=subprocess.PIPE)
        assert proc.stdout.readline()  # at least one checkpoint is complete
        time.sleep(rng.uniform(0.0, 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        for path in step_checkpoints(tmp_path):
            state = torch.load(path, weights_only=True)  # every step file must load
            assert path.name == f"step_{state['step']:06d}.pt"
        assert load_latest(tmp_path) is not None
    assert capsys.readouterr().err == ""


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A real 1 MiB filesystem, so that 'disk full' comes from the kernel, not from a mock."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({result.stderr.strip() or 'not permitted'})")
    yield mount_point
    subprocess.run(["umount", str(mount_point)], check=False)


def test_disk_full_is_a_clear_error_and_keeps_the_old_checkpoint(tiny_disk: Path) -> None:
    save_checkpoint(tiny_disk, 1, {"step": 1, "w": torch.zeros(50_000)})  # 200 kB fits
    with pytest.raises(CheckpointError) as info:
        save_checkpoint(tiny_disk, 2, {"step": 2, "w": torch.zeros(500_000)})  # 2 MB does not
    message = str(info.value)
    assert "disk full" in message and "step_000001.pt" in message and "\n" not in message
    assert [p.name for p in (tiny_disk / "checkpoints").iterdir()] == ["step_000001.pt"]
    assert load_latest(tiny_disk)["step"] == 1
