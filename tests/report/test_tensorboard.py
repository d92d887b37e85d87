"""TensorBoardLog writes scalars, sample grids and findings that TensorBoard itself reads back."""

from __future__ import annotations

import pytest
import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from gandoctor.report.tensorboard import TensorBoardLog
from gandoctor.train.config import TrainConfig
from gandoctor.train.models import build_models


def test_event_file_holds_scalars_images_and_findings(tmp_path):
    G, _ = build_models(TrainConfig(data="digits"), (1, 8, 8))  # a real generator's output as the grid
    log = TensorBoardLog(tmp_path)
    for step in (10, 20):
        log.metrics({"step": step, "d_loss": 1.0 / step, "g_loss": 0.7, "d_real": 0.6, "d_fake": 0.4,
                     "g_grad_norm": 0.1, "d_grad_norm": 0.2, "lr_g": 2e-4, "lr_d": 2e-4, "img_per_s": 900.0})
    log.evaluation(20, {"fd": 123.0, "classes_hit": 9.0})
    with torch.no_grad():
        log.samples(20, G(torch.randn(16, 100)))
    log.findings({"findings": [{"id": "generator-no-gradient", "severity": "error", "step": 2,
                                "location": {"file": "train.py", "line": 42}, "evidence": {}}]})
    log.close()

    events = EventAccumulator(str(tmp_path / "tensorboard"), size_guidance={"tensors": 0, "images": 0})
    events.Reload()
    tags = events.Tags()
    expected = {"train/d_loss", "train/g_loss", "train/d_real", "health/g_grad_norm", "eval/fd"}
    assert expected <= set(tags["scalars"])
    assert [e.value for e in events.Scalars("train/d_loss")] == pytest.approx([0.1, 0.05])  # float32
    assert events.Scalars("eval/fd")[0].step == 20
    image = events.Images("samples")[0]
    assert image.step == 20 and image.width > 8 and image.height > 8
    text = events.Tensors("doctor/findings/text_summary")[0]
    body = text.tensor_proto.string_val[0].decode()
    assert "generator-no-gradient" in body and "train.py:42" in body and text.step == 2
