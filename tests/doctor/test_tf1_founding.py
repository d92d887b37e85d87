"""The founding TensorFlow 1.x MLP GAN (issue 9), as posted but for the two lines TF 2.21 needs, and its
fix as the accepted answer says: every bug its author and readers found, each at its line; the fix clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from .framework_runs import describe, doctor_json, errors, line_of, needs_tensorflow

ZOO = Path(__file__).resolve().parents[2] / "examples" / "zoo" / "tf"
MNIST = Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist" / "t10k-images-idx3-ubyte.gz"


@pytest.fixture(autouse=True)
def _needs() -> None:
    needs_tensorflow()
    if not MNIST.exists():
        pytest.skip(f"the MNIST test split is not at {MNIST} (see ../shared/data/README.md)")


def test_every_bug_at_its_line(tmp_path: Path) -> None:
    script = ZOO / "buggy" / "tf1_mlp_mnist_founding.py"
    doc = doctor_json(script, 20, tmp_path)
    found = {(f["id"], f["location"]["line"]) for f in errors(doc)}
    hidden = _lines(script, "hl1 = tf.add(tf.matmul(x, weights['hl1'])")
    expected = {
        # tf.Variable ignores reuse=True: this call builds a second, untrained D
        ("untrained-network-copy", line_of(script, "D_gen = discriminator(G)")),
        # G's weights drawn from tf.random_normal (std 1) saturate its output sigmoid
        ("saturated-initialization", line_of(script, "weights = {'hl1' : tf.Variable(tf.random_normal([100")),
        # the first with-logits loss, fed D's sigmoid
        ("sigmoid-before-logits-loss", line_of(script, "G_loss = tf.reduce_mean(")),
        # matmul + bias, then matmul: in G and in D
        ("linear-without-activation", hidden[0]),
        ("linear-without-activation", hidden[1]),
    }
    assert expected <= found, describe(doc)
    first = errors(doc)[0]
    assert first["id"] == "untrained-network-copy" and "tf.get_variable" in first["fix"]
    assert doc["roles"]["known"] and doc["roles"]["units"]["network#0"] == "discriminator"


def test_the_accepted_fix_is_clean(tmp_path: Path) -> None:
    doc = doctor_json(ZOO / "correct" / "tf1_mlp_mnist_fixed.py", 300, tmp_path)
    assert errors(doc) == [], describe(doc)
    assert doc["roles"]["known"] and doc["steps"] == 300


def _lines(script: Path, text: str) -> list[int]:
    return [n for n, line in enumerate(script.read_text(encoding="utf-8").splitlines(), 1) if text in line]
