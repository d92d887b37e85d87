"""The founding mistakes that ``--bug NAME`` puts back, for teaching, the demo and the doctor's tests.

Each one is a small wrapper applied to a correct run, never a branch in the training loop: it changes
the built networks (``models``), the scaling of the real images (``scale``) or the fake batch the
generator's step scores (``generator_fake``), at the line below where the original author made the
mistake, so the doctor's location points at that line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn as nn


def detach_generator(fake: torch.Tensor) -> torch.Tensor:
    return fake.detach()  # founding mistake (report 1): the G step scores fake.detach(), no gradient to G


def unscaled_data(raw: torch.Tensor) -> torch.Tensor:
    return raw / 255.0  # founding mistake (report 1): [0, 1] data for a tanh generator


def no_hidden_activation(G: nn.Module, D: nn.Module) -> tuple[nn.Module, nn.Module]:
    for net in (G, D):
        for parent in list(net.modules()):
            for name, child in list(parent.named_children()):
                if isinstance(child, (nn.LeakyReLU, nn.ReLU)):
                    setattr(parent, name, nn.Identity())  # founding mistake (report 2): a linear "MLP"
    return G, D


def double_sigmoid(G: nn.Module, D: nn.Module) -> tuple[nn.Module, nn.Module]:
    layers = next(m for m in D.modules() if isinstance(m, nn.Sequential))
    layers.append(nn.Sigmoid())  # founding mistake (report 2): a sigmoid before a with-logits loss
    return G, D


def normal_init(G: nn.Module, D: nn.Module) -> tuple[nn.Module, nn.Module]:
    for m in [*G.modules(), *D.modules()]:
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            weight = m.parametrizations.weight.original if hasattr(m, "parametrizations") else m.weight
            nn.init.normal_(weight, 0.0, 1.0)  # founding mistake (report 2): weights from N(0, 1)
    return G, D


@dataclass(frozen=True)
class Bug:
    description: str
    models: Callable[[nn.Module, nn.Module], tuple[nn.Module, nn.Module]] | None = None
    scale: Callable[[torch.Tensor], torch.Tensor] | None = None  # raw 0..255 pixels -> what D is fed
    generator_fake: Callable[[torch.Tensor], torch.Tensor] | None = None  # what the G step has D score


BUGS: dict[str, Bug] = {
    "detach-generator": Bug("the G step feeds D fake.detach(), so no gradient reaches G (report 1)",
                            generator_fake=detach_generator),
    "unscaled-data": Bug("real images scaled to [0, 1] while G ends in tanh, range [-1, 1] (report 1)",
                         scale=unscaled_data),
    "no-hidden-activation": Bug("no activation on hidden layers: the MLP is linear (report 2)",
                                models=no_hidden_activation),
    "double-sigmoid": Bug("a sigmoid on D's output before a with-logits loss (report 2)",
                          models=double_sigmoid),
    "normal-init": Bug("weights drawn from N(0, 1) instead of Xavier / N(0, 0.02) (report 2)",
                       models=normal_init),
}
