"""The GPU speed paths (bf16 autocast, channels_last) and the run's outputs (TensorBoard, report).

On CUDA these are on by default; here they are forced on so that the CPU exercises the same code.
"""

from __future__ import annotations

import json

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from gandoctor.train.loop import train

from .conftest import quick_config


def test_amp_channels_last_tensorboard_and_report(tmp_path, mnist_dir):
    run_dir = tmp_path / "run"
    cfg = quick_config(run_dir, data=f"mnist:{mnist_dir}", model="dcgan", ngf=8, ndf=8, batch_size=16,
                       steps=6, log_every=3, sample_every=6, amp="on", channels_last="on",
                       tensorboard=True, report=True, doctor=True)
    result = train(cfg)

    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == [3, 6]
    assert all(r["d_loss"] == r["d_loss"] and r["g_loss"] == r["g_loss"] for r in rows)  # finite, not NaN
    assert result.findings is not None and json.loads((run_dir / "findings.json").read_text())["version"] == 1
    assert (run_dir / "report.html").stat().st_size > 0 and (run_dir / "report.zh.html").stat().st_size > 0

    events = EventAccumulator(str(run_dir / "tensorboard"))
    events.Reload()
    assert [e.step for e in events.Scalars("train/d_loss")] == [3, 6]
    assert events.Tags()["images"] == ["samples"]
