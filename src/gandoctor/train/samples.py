"""What a run leaves to look at: sample grids, the loss plot, and ``.npz`` sample files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torchvision.utils import save_image

from gandoctor.errors import UsageError
from gandoctor.train.checkpoint import load_best, load_latest
from gandoctor.train.config import TrainConfig
from gandoctor.train.models import build_models


def load_generator(run_dir: Path, best: bool = False) -> tuple[torch.nn.Module, TrainConfig, int]:
    """The run's generator (its EMA copy if kept) from the last checkpoint or best.pt, in eval mode."""
    state = load_best(run_dir) if best else load_latest(run_dir)
    if state is None:
        which = "checkpoints/best.pt (was --eval-every set?)" if best else "checkpoint"
        raise UsageError(f"no {which} in {run_dir}")
    cfg = TrainConfig.from_dict(state["config"])
    shape = tuple(int(v) for v in state["image_shape"])
    G, _ = build_models(cfg, shape)
    G.load_state_dict(state.get("G_ema", state["G"]))
    return G.eval(), cfg, int(state["step"])


def save_grid(images: torch.Tensor, path: Path) -> None:
    """Save a batch in [-1, 1] as one PNG grid (8 per row)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    save_image(images.detach().float().cpu(), path, nrow=8, normalize=True, value_range=(-1, 1))


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """[-1, 1] floats -> uint8 N x C x H x W."""
    scaled = (images.detach().float().cpu().clamp(-1, 1) + 1) * 127.5
    return scaled.round().to(torch.uint8).numpy()
