"""StepStats of a discriminator made of raw tensors: D(real)/D(fake) read from the BCE nodes of its loss."""

from __future__ import annotations

import torch
import torch.nn.functional as F

import gandoctor
from gandoctor.doctor.events import DISCRIMINATOR


def test_raw_tensor_discriminator_outputs_are_measured():
    """D(x) = 0.5 x + 1 never changes (lr 0), real x = 3 and G's output 0: D(real) = 2.5, D(fake) = 1."""
    torch.manual_seed(0)
    w_g = torch.zeros(4, 1, requires_grad=True)
    w_d, b_d = torch.full((1, 1), 0.5, requires_grad=True), torch.ones(1, requires_grad=True)
    opt_g = torch.optim.SGD([w_g], lr=0.0)
    opt_d = torch.optim.SGD([w_d, b_d], lr=0.0)
    real = torch.full((16, 1), 3.0)
    with gandoctor.watch() as doc:
        for _ in range(60):
            fake = torch.randn(16, 4) @ w_g
            d_loss = F.binary_cross_entropy_with_logits(real @ w_d + b_d, torch.full((16, 1), 0.9)) + \
                F.binary_cross_entropy_with_logits(fake.detach() @ w_d + b_d, torch.zeros(16, 1))
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
            g_loss = F.binary_cross_entropy_with_logits(fake @ w_d + b_d, torch.ones(16, 1))
            opt_g.zero_grad()
            g_loss.backward()
            opt_g.step()
    run = doc.run
    assert run.roles.known
    d_opt = run.optimizers_with_role(DISCRIMINATOR)[0].index
    measured = [s for s in run.stats if s.d_real is not None]
    assert len(measured) >= 5  # every 5th backward after the probe
    assert all(s.optimizer == d_opt for s in measured)  # the generator's D(fake) is not taken for real
    assert all(abs(s.d_real - 2.5) < 1e-6 and abs(s.d_fake - 1.0) < 1e-6 for s in measured)
