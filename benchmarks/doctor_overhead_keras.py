"""What the doctor costs on Keras 3 and TF2 code: two GANs with and without ``gandoctor.watch()``.

Run: .venv/bin/python benchmarks/doctor_overhead_keras.py [REPEATS]   (default 5; needs the `tf` extra)

On MNIST t10k (sklearn's digits when it is absent), each repetition trains a freshly seeded copy once
without and once with the doctor, alternating which goes first, and times every iteration in CPU time:
- a classic Keras GAN (MLP G and D, a combined model, D's ``trainable`` toggled around each
  ``train_on_batch``), ITERS iterations of three ``train_on_batch`` calls;
- a TF2 GAN in the style of the TensorFlow DCGAN tutorial (MLP G and D, ``@tf.function`` step with two
  ``GradientTape``s), ITERS iterations.
It prints, as medians over the repetitions, the ratio with / without over the first PROBE_ITERS iterations
(the probe measures each step's weight changes) and after them, and whether the losses are bitwise equal.
"""

from __future__ import annotations

import gzip
import os
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
try:
    import keras
    import tensorflow as tf
except ImportError:
    print("TensorFlow/Keras are not installed (pip install -e '.[tf]'): nothing measured")
    sys.exit(0)

import gandoctor

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ITERS = 300
PROBE_ITERS = 5
BATCH = 64
Z = 64


def images() -> tuple[np.ndarray, str]:
    path = SHARED / "mnist" / "t10k-images-idx3-ubyte.gz"
    if path.exists():
        with gzip.open(path) as f:
            x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
        return x.astype(np.float32) / 127.5 - 1.0, "MNIST t10k"
    from sklearn.datasets import load_digits

    return load_digits().data.astype(np.float32) / 8.0 - 1.0, "sklearn digits (MNIST absent)"


def mlps(dim: int) -> tuple[keras.Model, keras.Model]:
    g = keras.Sequential([keras.Input((Z,)), keras.layers.Dense(256, activation="relu"),
                          keras.layers.Dense(dim, activation="tanh")])
    d = keras.Sequential([keras.Input((dim,)), keras.layers.Dense(256), keras.layers.LeakyReLU(0.2),
                          keras.layers.Dense(1)])
    return g, d


def keras_combined(data: np.ndarray) -> Callable[[np.random.Generator], list[float]]:
    g, d = mlps(data.shape[1])
    d.compile(optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
              loss=keras.losses.BinaryCrossentropy(from_logits=True))
    combined = keras.Sequential([g, d])
    combined.compile(optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                     loss=keras.losses.BinaryCrossentropy(from_logits=True))
    ones, zeros = np.ones((BATCH, 1), np.float32), np.zeros((BATCH, 1), np.float32)

    def step(rng: np.random.Generator) -> list[float]:
        real = data[rng.integers(0, len(data), BATCH)]
        fake = g.predict_on_batch(rng.standard_normal((BATCH, Z)).astype(np.float32))
        d.trainable = True
        lr = d.train_on_batch(real, ones)
        lf = d.train_on_batch(fake, zeros)
        d.trainable = False
        lg = combined.train_on_batch(rng.standard_normal((BATCH, Z)).astype(np.float32), ones)
        return [float(lr), float(lf), float(lg)]

    return step


def tf2_tape(data: np.ndarray) -> Callable[[np.random.Generator], list[float]]:
    g, d = mlps(data.shape[1])
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    opt_g, opt_d = keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)

    @tf.function
    def train_step(real: tf.Tensor, noise: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = g(noise, training=True)
            real_out, fake_out = d(real, training=True), d(fake, training=True)
            g_loss = bce(tf.ones_like(fake_out), fake_out)
            d_loss = bce(tf.ones_like(real_out), real_out) + bce(tf.zeros_like(fake_out), fake_out)
        g_grads = g_tape.gradient(g_loss, g.trainable_variables)
        d_grads = d_tape.gradient(d_loss, d.trainable_variables)
        opt_g.apply_gradients(zip(g_grads, g.trainable_variables, strict=True))
        opt_d.apply_gradients(zip(d_grads, d.trainable_variables, strict=True))
        return g_loss, d_loss

    def step(rng: np.random.Generator) -> list[float]:
        real = data[rng.integers(0, len(data), BATCH)]
        noise = rng.standard_normal((BATCH, Z)).astype(np.float32)
        lg, ld = train_step(tf.constant(real), tf.constant(noise))
        return [float(lg), float(ld)]

    return step


def train(build: Callable, data: np.ndarray, with_doctor: bool) -> tuple[list[float], list[float]]:
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    cpu, losses = [], []
    doctor = gandoctor.watch() if with_doctor else None
    with doctor if doctor is not None else nullcontext():
        step = build(data)
        for _ in range(ITERS):
            start = time.process_time()
            losses += step(rng)
            cpu.append(time.process_time() - start)
    return cpu, losses


def measure(name: str, build: Callable, data: np.ndarray, repeats: int) -> None:
    probe, steady, equal = [], [], True
    for r in range(repeats):
        order = (False, True) if r % 2 == 0 else (True, False)
        runs = {flag: train(build, data, flag) for flag in order}
        (plain, plain_losses), (doc, doc_losses) = runs[False], runs[True]
        equal &= plain_losses == doc_losses
        probe.append(sum(doc[:PROBE_ITERS]) / sum(plain[:PROBE_ITERS]))
        steady.append(statistics.fmean(doc[PROBE_ITERS:]) / statistics.fmean(plain[PROBE_ITERS:]))
    print(f"{name}\n  first {PROBE_ITERS} iterations (probe): ratio {statistics.median(probe):.2f}\n"
          f"  after the probe: ratio {statistics.median(steady):.3f} "
          f"(repetitions {min(steady):.3f}..{max(steady):.3f}) | losses bitwise equal: {equal}")


def main(repeats: int) -> None:
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.experimental.enable_op_determinism()
    data, name = images()
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__} ({keras.backend.backend()} backend), "
          f"MLP GANs on {name}, {ITERS} iterations, {repeats} interleaved repetitions")
    measure("Keras combined GAN (train_on_batch, D toggled)", keras_combined, data, repeats)
    measure("TF2 GradientTape GAN (tf.function step)", tf2_tape, data, repeats)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
