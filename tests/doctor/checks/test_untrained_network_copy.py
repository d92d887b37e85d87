"""untrained-network-copy: a TF1 discriminator built twice with tf.Variable (reuse=True shares nothing) is
found at the second call; the same GAN with tf.get_variable, which does share, is silent."""

from __future__ import annotations

from pathlib import Path

from ..framework_runs import describe, doctor_json, errors, line_of, needs_tensorflow

ID = "untrained-network-copy"

# A TF1 MLP GAN on scikit-learn's bundled 8x8 digits (real data, no download), in the founding style.
SCRIPT = '''
import numpy as np
import tensorflow.compat.v1 as tf
from sklearn.datasets import load_digits
tf.disable_v2_behavior()
images = load_digits().data.astype(np.float32) / 16.0
z = tf.placeholder(tf.float32, [None, 16])
x = tf.placeholder(tf.float32, [None, 64])
def weight(name, shape):
    return {MAKE}
def generator(z):
    h = tf.nn.relu(tf.matmul(z, weight("g1", [16, 64])))
    return tf.nn.sigmoid(tf.matmul(h, weight("g2", [64, 64])))
def discriminator(x):
    h = tf.nn.leaky_relu(tf.matmul(x, weight("d1", [64, 64])))
    return tf.matmul(h, weight("d2", [64, 1]))
with tf.variable_scope("G"):
    fake = generator(z)
with tf.variable_scope("D"):
    d_real = discriminator(x)
with tf.variable_scope("D", reuse=True):
    d_fake = discriminator(fake)  # bug: copy
g_vars = [v for v in tf.trainable_variables() if v.name.startswith("G/")]
d_vars = [v for v in tf.trainable_variables() if v.name.startswith("D/")]
bce = tf.nn.sigmoid_cross_entropy_with_logits
d_loss = tf.reduce_mean(bce(logits=d_real, labels=tf.ones_like(d_real))) + \\
    tf.reduce_mean(bce(logits=d_fake, labels=tf.zeros_like(d_fake)))
g_loss = tf.reduce_mean(bce(logits=d_fake, labels=tf.ones_like(d_fake)))
d_train = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(d_loss, var_list=d_vars)
g_train = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(g_loss, var_list=g_vars)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
rng = np.random.default_rng(0)
for step in range(100):
    batch = images[rng.integers(0, len(images), 64)]
    sess.run(d_train, {x: batch, z: rng.uniform(-1, 1, (64, 16))})
    sess.run(g_train, {z: rng.uniform(-1, 1, (64, 16))})
'''
BUGGY = "tf.Variable(tf.random_normal(shape, stddev=0.1))"
CORRECT = "tf.get_variable(name, shape, initializer=tf.glorot_uniform_initializer())"


def _write(tmp_path: Path, make: str, name: str) -> Path:
    path = tmp_path / f"{name}.py"
    path.write_text(SCRIPT.replace("{MAKE}", make), encoding="utf-8")
    return path


def test_found_at_the_second_call(tmp_path: Path) -> None:
    needs_tensorflow()
    script = _write(tmp_path, BUGGY, "tf_variable_copy")
    doc = doctor_json(script, 20, tmp_path)
    found = errors(doc)
    assert found and found[0]["id"] == ID, describe(doc)
    assert found[0]["location"]["line"] == line_of(script, "# bug: copy")
    assert found[0]["evidence"]["role"] == "discriminator"
    assert "tf.get_variable" in found[0]["fix"]
    assert doc["roles"]["known"]


def test_silent_when_variables_are_shared(tmp_path: Path) -> None:
    needs_tensorflow()
    doc = doctor_json(_write(tmp_path, CORRECT, "get_variable_shared"), 200, tmp_path)
    assert errors(doc) == [], describe(doc)
    assert doc["roles"]["known"], doc["roles"]
