"""Each model's shapes and init, and one real training step per loss and option."""

from __future__ import annotations

import math

import pytest
import torch

from gandoctor.train.config import LOSSES, TrainConfig
from gandoctor.train.loop import train
from gandoctor.train.models import build_models

from .conftest import quick_config, read_metrics

SHAPES = [("mlp", (1, 28, 28)), ("mlp", (1, 8, 8)), ("dcgan", (1, 28, 28)), ("dcgan", (3, 32, 32)),
          ("dcgan", (3, 64, 64))]


@pytest.mark.parametrize(("model", "shape"), SHAPES)
def test_generator_and_discriminator_shapes(model, shape):
    G, D = build_models(TrainConfig(model=model, ngf=8, ndf=8), shape)
    fake = G(torch.randn(5, 100))
    assert fake.shape == (5, *shape)
    assert fake.min() >= -1 and fake.max() <= 1  # tanh output, the range the data is scaled to
    assert D(fake).shape == (5,)


def test_dcgan_is_the_standard_size_at_64_pixels():
    G, D = build_models(TrainConfig(model="dcgan"), (3, 64, 64))
    n_params = sum(p.numel() for p in G.parameters())
    assert n_params == 3_576_704  # pytorch/examples' DCGAN generator with nz=100, ngf=64, nc=3
    conv = G.main[0].weight
    assert abs(conv.std().item() - 0.02) < 0.002  # N(0, 0.02)


def test_normal_init_bug_draws_weights_from_unit_normal():
    G, _ = build_models(TrainConfig(bug="normal-init"), (1, 28, 28))
    assert abs(G.net[0].weight.std().item() - 1.0) < 0.02
    G, _ = build_models(TrainConfig(), (1, 28, 28))
    assert G.net[0].weight.std().item() < 0.1  # Xavier


@pytest.mark.parametrize("loss", LOSSES)
def test_one_real_training_step_per_loss(tmp_path, loss):
    cfg = quick_config(tmp_path, loss=loss, steps=3, log_every=1)
    result = train(cfg)
    rows = read_metrics(tmp_path)
    assert [r["step"] for r in rows] == [1, 2, 3] and result.step == 3
    for row in rows:
        assert all(math.isfinite(row[k]) for k in ("d_loss", "g_loss", "d_real", "d_fake"))
        assert row["g_grad_norm"] > 0 and row["d_grad_norm"] > 0


@pytest.mark.parametrize("loss", ["bce", "wgan-gp"])
def test_dcgan_step_on_mnist_with_every_option(tmp_path, mnist_dir, loss):
    cfg = quick_config(tmp_path, data=f"mnist:{mnist_dir}", model="dcgan", ngf=8, ndf=8, loss=loss, steps=2,
                       log_every=1, spectral_norm=True, d_steps=2, ema=0.9, label_smoothing=0.1,
                       lr_g=1e-4, lr_d=4e-4, sample_every=2)
    train(cfg)
    rows = read_metrics(tmp_path)
    assert rows[0]["lr_g"] == 1e-4 and rows[0]["lr_d"] == 4e-4
    assert rows[0]["data_min"] == -1.0 and rows[0]["data_max"] == 1.0  # the range fed to D is logged
    assert (tmp_path / "samples" / "step_000002.png").exists() and (tmp_path / "loss.png").exists()
    assert math.isfinite(rows[-1]["d_loss"])


def test_dcgan_step_on_cats_at_32_pixels(tmp_path, cats_dir):
    folder = tmp_path / "cats"
    folder.mkdir()
    for i in range(1, 17):
        (folder / f"{i}.jpg").symlink_to(cats_dir / f"{i}.jpg")
    cfg = quick_config(tmp_path / "run", data=str(folder), image_size=32, model="dcgan", ngf=8, ndf=8,
                       batch_size=8, steps=2, log_every=1)
    train(cfg)
    assert len(read_metrics(tmp_path / "run")) == 2
