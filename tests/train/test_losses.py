"""The zero-centred gradient penalties (R1 on reals, R2 on fakes) of the MLP's recipe."""

from __future__ import annotations

import pytest
import torch
import torch.nn as nn

from gandoctor.errors import UsageError
from gandoctor.train.config import TrainConfig
from gandoctor.train.losses import zero_centred_penalty
from gandoctor.train.models import build_models


def test_penalty_of_a_linear_discriminator_is_its_weight_norm_squared():
    # D(x) = w.x + b has grad_x D = w at every x, so E ||grad D||^2 = ||w||^2 whatever the batch
    torch.manual_seed(0)
    D = nn.Sequential(nn.Flatten(), nn.Linear(12, 1))
    x = torch.randn(5, 3, 2, 2)
    penalty = zero_centred_penalty(D, x)
    w = D[1].weight
    torch.testing.assert_close(penalty, w.pow(2).sum())
    # it trains D: its gradient w.r.t. the weight is 2w (the graph is kept), and x gets none
    penalty.backward()
    torch.testing.assert_close(w.grad, 2 * w.detach())
    assert x.grad is None


def test_penalty_is_per_sample_not_of_the_batch_mean():
    # D(x) = sum(x^2) per sample: grad = 2x, so the penalty is the mean of 4 ||x_i||^2
    class Square(nn.Module):
        def forward(self, x):
            return x.flatten(1).pow(2).sum(dim=1)

    x = torch.tensor([[1.0, 0.0], [0.0, 3.0]])
    assert zero_centred_penalty(Square(), x).item() == pytest.approx((4 * 1 + 4 * 9) / 2)


def test_the_dcgan_critic_drops_batchnorm_under_r1_r2():
    # BatchNorm mixes the samples of a batch, so a per-sample gradient penalty would be taken through
    # the other samples too (the doctor's batch-norm-in-penalized-critic)
    _, D = build_models(TrainConfig(model="dcgan", r1_r2=1.0), (1, 32, 32))
    assert not any(isinstance(m, nn.BatchNorm2d) for m in D.modules())
    _, D = build_models(TrainConfig(model="dcgan"), (1, 32, 32))
    assert any(isinstance(m, nn.BatchNorm2d) for m in D.modules())


@pytest.mark.parametrize("values", [{"r1_r2": -1.0}, {"r1_r2": 1.0, "compile": True, "doctor": False}])
def test_bad_r1_r2_is_a_usage_error(values):
    with pytest.raises(UsageError):
        TrainConfig(**values).validate()
