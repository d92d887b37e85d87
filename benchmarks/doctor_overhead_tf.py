"""What the doctor costs on TensorFlow 1.x graph code: one GAN with and without ``gandoctor.watch()``.

Run: .venv/bin/python benchmarks/doctor_overhead_tf.py [REPEATS]   (default 7; needs the `tf` extra)

The fixed founding MLP GAN (100-200-784 G, 784-200-1 D, leaky ReLU, logits, Adam) on MNIST t10k (sklearn's
digits when it is absent), built in a fresh graph for each run, trained ITERS iterations (a D step and a G
step, two ``Session.run`` calls) once without and once with the doctor, alternating which goes first. It
prints, as medians over the repetitions, in CPU time of this process:
- the probe: the first PROBE_ITERS iterations with / without (the graph is read once, at the first train op,
  and the probe's values are read in runs of the doctor's own, adapters/tf/readonly.py);
- the ratio over the next DENSE_ITERS iterations, whose every train run also fetches D's scores and the
  loss (adapters/tf/stats.py), and over the rest, where two runs in 64 do;
- whether the losses are bitwise equal with and without the doctor for the same seeds.
"""

from __future__ import annotations

import gzip
import os
import statistics
import sys
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
try:
    import tensorflow.compat.v1 as tf
except ImportError:
    print("TensorFlow is not installed (pip install -e '.[tf]'): nothing measured")
    sys.exit(0)

import gandoctor

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ITERS = 800
DENSE_ITERS = 200  # iterations (two runs each) of stats.DENSE_RUNS
PROBE_ITERS = 3
BATCH = 64


def images() -> tuple[np.ndarray, str]:
    path = SHARED / "mnist" / "t10k-images-idx3-ubyte.gz"
    if path.exists():
        with gzip.open(path) as f:
            x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
        return x.astype(np.float32) / 255.0, "MNIST t10k"
    from sklearn.datasets import load_digits

    return load_digits().data.astype(np.float32) / 16.0, "sklearn digits (MNIST absent)"


def train(data: np.ndarray, with_doctor: bool) -> tuple[list[float], list[float]]:
    """One seeded run in a fresh graph: CPU seconds per iteration, and the losses."""
    dim = data.shape[1]
    cpu, losses = [], []
    doctor = gandoctor.watch() if with_doctor else None
    with tf.Graph().as_default(), doctor if doctor is not None else nullcontext():
        tf.set_random_seed(0)
        rng = np.random.default_rng(0)
        z = tf.placeholder(tf.float32, [None, 100])
        x = tf.placeholder(tf.float32, [None, dim])

        def dense(h: tf.Tensor, n: int, name: str) -> tf.Tensor:
            w = tf.get_variable(name + "_w", [h.shape[1], n], initializer=tf.glorot_uniform_initializer())
            b = tf.get_variable(name + "_b", [n], initializer=tf.zeros_initializer())
            return tf.matmul(h, w) + b

        def discriminator(h: tf.Tensor) -> tf.Tensor:
            return dense(tf.nn.leaky_relu(dense(h, 200, "h"), 0.2), 1, "o")

        with tf.variable_scope("G"):
            fake = tf.nn.sigmoid(dense(tf.nn.leaky_relu(dense(z, 200, "h"), 0.2), dim, "o"))
        with tf.variable_scope("D"):
            d_real = discriminator(x)
        with tf.variable_scope("D", reuse=True):
            d_fake = discriminator(fake)
        bce = tf.nn.sigmoid_cross_entropy_with_logits
        d_loss = tf.reduce_mean(bce(logits=d_real, labels=tf.ones_like(d_real))) + \
            tf.reduce_mean(bce(logits=d_fake, labels=tf.zeros_like(d_fake)))
        g_loss = tf.reduce_mean(bce(logits=d_fake, labels=tf.ones_like(d_fake)))
        g_vars = [v for v in tf.trainable_variables() if v.name.startswith("G/")]
        d_vars = [v for v in tf.trainable_variables() if v.name.startswith("D/")]
        d_train = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(d_loss, var_list=d_vars)
        g_train = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(g_loss, var_list=g_vars)
        with tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1,
                                              inter_op_parallelism_threads=1)) as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(ITERS):
                start = time.process_time()
                batch = data[rng.integers(0, len(data), BATCH)]
                _, ld = sess.run([d_train, d_loss], {x: batch, z: rng.uniform(-1, 1, (BATCH, 100))})
                _, lg = sess.run([g_train, g_loss], {z: rng.uniform(-1, 1, (BATCH, 100))})
                cpu.append(time.process_time() - start)
                losses += [float(ld), float(lg)]
    return cpu, losses


def main(repeats: int) -> None:
    tf.disable_v2_behavior()
    data, name = images()
    print(f"TensorFlow {tf.__version__} (TF1 graph mode), MLP GAN on {name}, {ITERS} iterations, "
          f"{repeats} interleaved repetitions")
    probe, steady, sparse, equal = [], [], [], True
    for r in range(repeats):
        order = (False, True) if r % 2 == 0 else (True, False)
        runs = {flag: train(data, flag) for flag in order}
        (plain, plain_losses), (doc, doc_losses) = runs[False], runs[True]
        equal &= plain_losses == doc_losses
        probe.append(sum(doc[:PROBE_ITERS]) / sum(plain[:PROBE_ITERS]))
        dense = slice(PROBE_ITERS, PROBE_ITERS + DENSE_ITERS)
        steady.append(statistics.fmean(doc[dense]) / statistics.fmean(plain[dense]))
        sparse.append(statistics.fmean(doc[PROBE_ITERS + DENSE_ITERS:]) /
                      statistics.fmean(plain[PROBE_ITERS + DENSE_ITERS:]))
    print(f"  first {PROBE_ITERS} iterations (graph read + probe): ratio {statistics.median(probe):.2f}")
    print(f"  the next {DENSE_ITERS} iterations (every run read): ratio {statistics.median(steady):.3f} "
          f"(repetitions {min(steady):.3f}..{max(steady):.3f})")
    print(f"  after them (2 runs in 64 read): ratio {statistics.median(sparse):.3f} "
          f"(repetitions {min(sparse):.3f}..{max(sparse):.3f}) | losses bitwise equal: {equal}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
