"""A small digit classifier, trained once on the run's real data and cached on disk.

GAN losses do not say whether the samples are getting better. A classifier trained on the same
real digits does: which classes the generator hits, how evenly, how confidently, and how far its
samples are from the real ones in the classifier's feature space (a Fréchet distance that needs no
downloaded weights).

Training is deterministic: fixed seed, fixed split, fixed order, run under `torch.random.fork_rng`
so that the caller's random state is untouched. The weights are cached under
`$GANDOCTOR_CACHE` (default `~/.cache/gandoctor`) keyed by a hash of the data and the recipe, so a
second call loads in milliseconds.

sklearn's 8x8 digits are upsampled to 28x28 (bilinear) so that one network serves both datasets;
inputs of any size are resized the same way before classification.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from gandoctor.files import write_atomic
from gandoctor.metrics.digit_data import DigitSpec, load_digits_for, parse_digit_spec

INPUT_SIZE = 28
# Change RECIPE whenever the network or its training changes, so old caches are not reused.
RECIPE = "digitnet-v1:conv16-conv32-fc128:adam1e-3:epochs6:bs64:seed0:holdout0.2"
EPOCHS = 6
BATCH_SIZE = 64
HOLDOUT_FRACTION = 0.2
SEED = 0
MAX_TRAIN = 8000
MAX_HOLDOUT = 2000


class DigitNet(nn.Module):
    """Two conv blocks and a 128-unit feature layer; the features feed the Fréchet distance."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc = nn.Linear(32 * 7 * 7, 128)
        self.head = nn.Linear(128, 10)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return F.relu(self.fc(x.flatten(1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


@dataclass
class DigitClassifier:
    """A trained DigitNet plus what it was trained on and how well it does on held-out digits."""

    net: DigitNet
    heldout_accuracy: float
    data_hash: str

    @staticmethod
    def prepare(images: torch.Tensor) -> torch.Tensor:
        """Any N x 1 x H x W batch in [-1, 1] -> N x 1 x 28 x 28 on the CPU, as the net expects."""
        if images.dim() != 4 or images.shape[1] != 1:
            raise ValueError(f"expected N x 1 x H x W digit images, got shape {tuple(images.shape)}")
        images = images.detach().float().cpu()
        if images.shape[-2:] != (INPUT_SIZE, INPUT_SIZE):
            images = F.interpolate(
                images, size=(INPUT_SIZE, INPUT_SIZE), mode="bilinear", align_corners=False
            )
        return images.clamp(-1.0, 1.0)

    @torch.no_grad()
    def logits(self, images: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
        x = self.prepare(images)
        return torch.cat([self.net(x[i : i + batch_size]) for i in range(0, len(x), batch_size)])

    def probs(self, images: torch.Tensor) -> torch.Tensor:
        """Class probabilities, N x 10."""
        return self.logits(images).softmax(dim=1)

    @torch.no_grad()
    def features(self, images: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
        """The 128-d penultimate activations, N x 128, for the Fréchet distance."""
        x = self.prepare(images)
        return torch.cat(
            [self.net.features(x[i : i + batch_size]) for i in range(0, len(x), batch_size)]
        )


def cache_dir() -> Path:
    return Path(os.environ.get("GANDOCTOR_CACHE", Path.home() / ".cache" / "gandoctor"))


def data_hash(images: torch.Tensor, labels: torch.Tensor) -> str:
    h = hashlib.sha256(RECIPE.encode())
    h.update(images.numpy().tobytes())
    h.update(labels.numpy().tobytes())
    return h.hexdigest()[:16]


def split(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The fixed train / held-out index split used for training and for the reported accuracy.

    20% held out (at most 2,000) and at most 8,000 for training: enough for >97% on MNIST, and the
    60,000-image training split then costs no more CPU than the 10,000-image test split.
    """
    order = torch.randperm(n, generator=torch.Generator().manual_seed(SEED))
    n_hold = min(int(n * HOLDOUT_FRACTION), MAX_HOLDOUT)
    return order[n_hold : n_hold + MAX_TRAIN], order[:n_hold]


def train_classifier(
    images: torch.Tensor, labels: torch.Tensor, verbose: bool = True
) -> DigitClassifier:
    """Train a DigitNet from scratch, deterministically, and measure held-out accuracy."""
    x = DigitClassifier.prepare(images)
    train_idx, hold_idx = split(len(x))
    with torch.random.fork_rng():
        torch.manual_seed(SEED)
        net = DigitNet()
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        shuffle = torch.Generator().manual_seed(SEED)
        net.train()
        for epoch in range(EPOCHS):
            perm = train_idx[torch.randperm(len(train_idx), generator=shuffle)]
            for i in range(0, len(perm), BATCH_SIZE):
                batch = perm[i : i + BATCH_SIZE]
                loss = F.cross_entropy(net(x[batch]), labels[batch])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
            if verbose:
                print(
                    f"digit classifier: epoch {epoch + 1}/{EPOCHS} loss {loss.item():.3f}",
                    file=sys.stderr,
                )
    net.eval()
    clf = DigitClassifier(net, 0.0, data_hash(images, labels))
    predicted = clf.logits(x[hold_idx]).argmax(dim=1)
    clf.heldout_accuracy = (predicted == labels[hold_idx]).float().mean().item()
    return clf


def load_or_train(data: str | DigitSpec, verbose: bool = True) -> DigitClassifier:
    """The cached classifier for `data` (a `--data` string or parsed spec), training it on first use."""
    spec = parse_digit_spec(data) if isinstance(data, str) else data
    if spec is None:
        raise ValueError(f"{data!r} is not digit data (digits, mnist[:DIR], stacked-mnist[:DIR])")
    images, labels = load_digits_for(spec)
    key = data_hash(images, labels)
    path = cache_dir() / f"classifier-{key}.pt"
    if path.exists():
        try:
            saved = torch.load(path, weights_only=True)
            net = DigitNet()
            net.load_state_dict(saved["state_dict"])
            net.eval()
            return DigitClassifier(net, float(saved["heldout_accuracy"]), key)
        except Exception as exc:  # a corrupt cache is retrained, never fatal
            print(f"digit classifier: cache {path} unreadable ({exc}); retraining", file=sys.stderr)
    if verbose:
        print(
            f"digit classifier: training on {len(images)} real {spec.kind} images (once)",
            file=sys.stderr,
        )
    clf = train_classifier(images, labels, verbose=verbose)
    path.parent.mkdir(parents=True, exist_ok=True)
    saved = {"state_dict": clf.net.state_dict(), "heldout_accuracy": clf.heldout_accuracy}
    write_atomic(path, lambda f: torch.save(saved, f))
    if verbose:
        print(
            f"digit classifier: held-out accuracy {clf.heldout_accuracy:.2%}, cached at {path}",
            file=sys.stderr,
        )
    return clf
