"""variables-reinitialized: a TF1 GAN that runs the initializer inside its loop is found at that line; the
same GAN initialised once before the loop, which also samples from G between steps, is silent."""

from __future__ import annotations

from pathlib import Path

from ..framework_runs import describe, doctor_json, errors, line_of, needs_tensorflow

ID = "variables-reinitialized"

SCRIPT = '''
import numpy as np
import tensorflow.compat.v1 as tf
from sklearn.datasets import load_digits
tf.disable_v2_behavior()
images = load_digits().data.astype(np.float32) / 16.0
z = tf.placeholder(tf.float32, [None, 16])
x = tf.placeholder(tf.float32, [None, 64])
def dense(h, n, name):
    w = tf.get_variable(name + "_w", [h.shape[1], n], initializer=tf.glorot_uniform_initializer())
    return tf.matmul(h, w) + tf.get_variable(name + "_b", [n], initializer=tf.zeros_initializer())
with tf.variable_scope("G"):
    fake = tf.nn.sigmoid(dense(tf.nn.relu(dense(z, 64, "h")), 64, "o"))
def discriminator(h):
    return dense(tf.nn.leaky_relu(dense(h, 64, "h"), 0.2), 1, "o")
with tf.variable_scope("D"):
    d_real = discriminator(x)
with tf.variable_scope("D", reuse=True):
    d_fake = discriminator(fake)
bce = tf.nn.sigmoid_cross_entropy_with_logits
d_loss = tf.reduce_mean(bce(logits=d_real, labels=tf.ones_like(d_real))) + \\
    tf.reduce_mean(bce(logits=d_fake, labels=tf.zeros_like(d_fake)))
g_loss = tf.reduce_mean(bce(logits=d_fake, labels=tf.ones_like(d_fake)))
d_train = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(d_loss, var_list=tf.trainable_variables("D"))
g_train = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(g_loss, var_list=tf.trainable_variables("G"))
init = tf.global_variables_initializer()
sess = tf.Session()
{BEFORE}
rng = np.random.default_rng(0)
for step in range(150):
    {INSIDE}
    sess.run(d_train, {x: images[rng.integers(0, len(images), 64)], z: rng.uniform(-1, 1, (64, 16))})
    sess.run(g_train, {z: rng.uniform(-1, 1, (64, 16))})
    if step % 50 == 0:
        samples = sess.run(fake, {z: rng.uniform(-1, 1, (16, 16))})
'''


def _write(tmp_path: Path, before: str, inside: str) -> Path:
    path = tmp_path / "tf1_init.py"
    path.write_text(SCRIPT.replace("{BEFORE}", before).replace("{INSIDE}", inside), encoding="utf-8")
    return path


def test_found_at_the_initializer_in_the_loop(tmp_path: Path) -> None:
    needs_tensorflow()
    script = _write(tmp_path, "", "sess.run(init)  # bug: init in the loop")
    doc = doctor_json(script, 20, tmp_path)
    found = errors(doc)
    assert found and found[0]["id"] == ID, describe(doc)
    assert found[0]["location"]["line"] == line_of(script, "# bug: init in the loop")
    assert found[0]["evidence"]["times"] >= 8  # once per iteration after the first


def test_silent_when_initialised_once(tmp_path: Path) -> None:
    needs_tensorflow()
    doc = doctor_json(_write(tmp_path, "sess.run(init)", "pass"), 300, tmp_path)
    assert errors(doc) == [], describe(doc)
    assert doc["roles"]["known"]
