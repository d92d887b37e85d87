"""Tiny Keras 3 GANs on scikit-learn's bundled 8x8 digits (real data, no download), trained for real
through ``gandoctor run --json`` in a process of their own (the Keras backend is process-wide).

``classic(freeze)`` writes the classic combined-model GAN: ``freeze`` is "before" (textbook Keras 2
order: D frozen before its first train_on_batch), "never", or "toggle" (the Keras 3 way)."""

from __future__ import annotations

from pathlib import Path

from ..framework_runs import needs

CLASSIC = '''
import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_digits
keras.utils.set_random_seed(0)
images = load_digits().data.astype("float32") / 8.0 - 1.0
D = keras.Sequential([keras.Input((64,)), layers.Dense(32), layers.LeakyReLU(0.2),
                      layers.Dense(1, activation="sigmoid")])
D.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
G = keras.Sequential([keras.Input((8,)), layers.Dense(32), layers.LeakyReLU(0.2),
                      layers.Dense(64, activation="tanh")])
{FREEZE_BEFORE}
z = keras.Input((8,))
combined = keras.Model(z, D(G(z)))
combined.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
rng = np.random.default_rng(0)
ones, zeros = np.ones((32, 1), "float32"), np.zeros((32, 1), "float32")
for it in range(100):
    real = images[rng.integers(0, len(images), 32)]
    fake = G.predict(rng.normal(size=(32, 8)).astype("float32"), verbose=0)
    {TOGGLE_ON}
    D.train_on_batch(real, ones)
    D.train_on_batch(fake, zeros)
    {TOGGLE_OFF}
    combined.train_on_batch(rng.normal(size=(32, 8)).astype("float32"), ones)  # bug: combined step
'''


def needs_keras(backend: str = "tensorflow") -> None:
    if backend == "tensorflow":
        needs("tensorflow", "TensorFlow is an optional extra: pip install -e '.[tf]'")
    needs("keras", "Keras 3 is an optional extra: pip install -e '.[tf]'")
    needs("sklearn", "the tiny GANs train on scikit-learn's bundled digits")


def classic(tmp_path: Path, freeze: str) -> Path:
    frozen = "D.trainable = False  # bug: frozen" if freeze == "before" else ""
    text = CLASSIC.replace("{FREEZE_BEFORE}", frozen)
    text = text.replace("{TOGGLE_ON}", "D.trainable = True" if freeze == "toggle" else "")
    text = text.replace("{TOGGLE_OFF}", "D.trainable = False" if freeze == "toggle" else "")
    path = tmp_path / f"keras_classic_{freeze}.py"
    path.write_text(text, encoding="utf-8")
    return path


KERAS_ENV = {"KERAS_BACKEND": "tensorflow"}
BACKENDS = ["tensorflow", "torch"]  # Keras 3 takes trainable weights at the first train step on both
