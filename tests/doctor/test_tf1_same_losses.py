"""The doctor never changes a TF1 run: the same script gives bitwise the same losses with and without it,
also when the noise is drawn inside the graph (tf.random_normal) and D uses dropout, whose random state a
careless read would advance, and when the probe reads sigmoid inputs whose fetch would change TF's fusions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .framework_runs import needs_tensorflow

SCRIPT = '''
import numpy as np
import tensorflow.compat.v1 as tf
from sklearn.datasets import load_digits
tf.disable_v2_behavior()
tf.set_random_seed(0)
images = load_digits().data.astype(np.float32) / 16.0
x = tf.placeholder(tf.float32, [32, 64])
z = tf.random_normal([32, 16])  # noise drawn in the graph
def dense(h, n, name):
    w = tf.get_variable(name + "_w", [h.shape[1], n], initializer=tf.glorot_uniform_initializer())
    return tf.matmul(h, w) + tf.get_variable(name + "_b", [n], initializer=tf.zeros_initializer())
def discriminator(h):
    return dense(tf.nn.dropout(tf.nn.leaky_relu(dense(h, 64, "h"), 0.2), rate=0.3), 1, "o")
with tf.variable_scope("G"):
    fake = tf.nn.sigmoid(dense(tf.nn.relu(dense(z, 64, "h")), 64, "o"))
with tf.variable_scope("D"):
    d_real = discriminator(x)
with tf.variable_scope("D", reuse=True):
    d_fake = discriminator(fake)
bce = tf.nn.sigmoid_cross_entropy_with_logits
d_loss = tf.reduce_mean(bce(logits=d_real, labels=tf.ones_like(d_real))) + \\
    tf.reduce_mean(bce(logits=d_fake, labels=tf.zeros_like(d_fake)))
g_loss = tf.reduce_mean(bce(logits=d_fake, labels=tf.ones_like(d_fake)))
g_vars = [v for v in tf.trainable_variables() if v.name.startswith("G/")]
d_vars = [v for v in tf.trainable_variables() if v.name.startswith("D/")]
d_train = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(d_loss, var_list=d_vars)
g_train = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(g_loss, var_list=g_vars)
config = tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
sess = tf.Session(config=config)
sess.run(tf.global_variables_initializer())
rng = np.random.default_rng(0)
for step in range(60):
    _, ld = sess.run([d_train, d_loss], {x: images[rng.integers(0, len(images), 32)]})
    _, lg = sess.run([g_train, g_loss])
    print("losses", repr(float(ld)), repr(float(lg)), flush=True)
'''


def _losses(cmd: list[str]) -> list[str]:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    lines = [line for line in done.stdout.splitlines() if line.startswith("losses")]
    assert lines, done.stderr[-3000:]
    return lines


def test_same_losses_with_and_without_the_doctor(tmp_path: Path) -> None:
    needs_tensorflow()
    script = tmp_path / "tf1_noise_in_graph.py"
    script.write_text(SCRIPT, encoding="utf-8")
    plain = _losses([sys.executable, str(script)])
    watched = _losses([sys.executable, "-m", "gandoctor", "run", "--no-report", "--max-steps", "200",
                       str(script)])
    assert len(plain) == len(watched) == 60
    assert watched == plain  # bitwise: repr of every float
