"""The Keras 3 / TF2 adapter on tiny GANs trained for real, each in a process of its own: steps are counted
per execution of a ``tf.function`` (not per trace), the stop_gradient twin of the TF2 tutorial style is
found at its line, so is a generator loss aimed at the fake label (loss calls linked to their tape through
the traced graph), and the doctor leaves every loss bit for bit as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .checks.keras_gans import KERAS_ENV, classic, needs_keras
from .framework_runs import describe, doctor_json, errors, line_of

# the TensorFlow 2 tutorial's structure (two tapes, two Adam optimizers, one @tf.function step) on MLPs
TAPE = '''
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
tf.config.experimental.enable_op_determinism()
tf.keras.utils.set_random_seed(0)
images = load_digits().data.astype("float32") / 8.0 - 1.0
G = tf.keras.Sequential([tf.keras.Input((8,)), tf.keras.layers.Dense(32, activation="relu"),
                         tf.keras.layers.Dense(64, activation="tanh")])
D = tf.keras.Sequential([tf.keras.Input((64,)), tf.keras.layers.Dense(32, activation="relu"),
                         tf.keras.layers.Dense(1)])
bce = tf.keras.losses.BinaryCrossentropy(from_logits=True)
g_opt, d_opt = tf.keras.optimizers.Adam(1e-3), tf.keras.optimizers.Adam(1e-3)

@tf.function
def train_step(real):
    noise = tf.random.normal([32, 8])
    with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
        fake = G(noise, training=True)
        real_out = D(real, training=True)
        fake_out = D({FAKE}, training=True)  # bug: cut
        g_loss = bce({G_TARGET}(fake_out), fake_out)  # bug: target
        d_loss = bce(tf.ones_like(real_out), real_out) + bce(tf.zeros_like(fake_out), fake_out)
    g_opt.apply_gradients(zip(g_tape.gradient(g_loss, G.trainable_variables), G.trainable_variables))
    d_opt.apply_gradients(zip(d_tape.gradient(d_loss, D.trainable_variables), D.trainable_variables))
    return g_loss, d_loss

rng = np.random.default_rng(0)
for it in range({ITERATIONS}):
    g_loss, d_loss = train_step(images[rng.integers(0, len(images), 32)])
    print(f"loss {it} {float(g_loss):.8f} {float(d_loss):.8f}")
'''


def _tape(tmp_path: Path, fake: str = "fake", iterations: int = 10, g_target: str = "tf.ones_like") -> Path:
    path = tmp_path / f"tape_{len(list(tmp_path.glob('tape*.py')))}.py"
    text = TAPE.replace("{FAKE}", fake).replace("{ITERATIONS}", str(iterations))
    path.write_text(text.replace("{G_TARGET}", g_target), encoding="utf-8")
    return path


def test_steps_are_counted_per_execution(tmp_path: Path) -> None:
    needs_keras()
    doc = doctor_json(_tape(tmp_path, iterations=10), 1000, tmp_path, KERAS_ENV)
    assert doc["steps"] == 20, doc["steps"]  # 10 executions of one trace with two optimizer applications
    assert errors(doc) == [], describe(doc)
    assert doc["roles"]["known"], doc["roles"]
    stopped = doctor_json(_tape(tmp_path, iterations=10), 7, tmp_path, KERAS_ENV)
    assert stopped["steps"] == 7


def test_stop_gradient_on_the_fake_is_found_at_its_line(tmp_path: Path) -> None:
    needs_keras()
    script = _tape(tmp_path, fake="tf.stop_gradient(fake)")
    doc = doctor_json(script, 20, tmp_path, KERAS_ENV)
    found = errors(doc)
    assert found and found[0]["id"] == "generator-no-gradient", describe(doc)
    assert found[0]["location"]["line"] == line_of(script, "# bug: cut")
    assert "tf.stop_gradient" in found[0]["fix"]  # the fix is written for TF2, not torch


def test_generator_loss_toward_the_fake_label_is_found_at_its_line(tmp_path: Path) -> None:
    needs_keras()
    script = _tape(tmp_path, g_target="tf.zeros_like")
    doc = doctor_json(script, 20, tmp_path, KERAS_ENV)
    found = errors(doc)
    assert found and found[0]["id"] == "label-mismatch", describe(doc)
    assert found[0]["location"]["line"] == line_of(script, "# bug: target")


def test_unit_range_data_into_a_traced_step_is_found_at_its_scaling_line(tmp_path: Path) -> None:
    """The real batches reach D only inside the tf.function (symbolic there): their values are read from
    the call's own arguments; the tanh G's range is its output op's."""
    needs_keras()
    script = _tape(tmp_path)
    text = script.read_text(encoding="utf-8").replace("/ 8.0 - 1.0", "/ 16.0  # bug: range")
    script.write_text(text, encoding="utf-8")
    doc = doctor_json(script, 20, tmp_path, KERAS_ENV)
    found = errors(doc)
    assert found and found[0]["id"] == "data-range-mismatch", describe(doc)
    assert found[0]["location"]["line"] == line_of(script, "# bug: range")


def test_one_optimizer_compiled_into_two_models_is_two_optimizers(tmp_path: Path) -> None:
    """One optimizer object given to D's compile and to the combined model's: D's frozen steps are D's
    optimizer's (train-step-updates-nothing), never generator steps without a gradient."""
    needs_keras()
    text = classic(tmp_path, "before").read_text(encoding="utf-8")
    text = text.replace("D.compile(optimizer=keras.optimizers.Adam(1e-3),",
                        "shared = keras.optimizers.Adam(1e-3)\nD.compile(optimizer=shared,")
    text = text.replace("combined.compile(optimizer=keras.optimizers.Adam(1e-3),",
                        "combined.compile(optimizer=shared,")
    script = tmp_path / "keras_shared_optimizer.py"
    script.write_text(text, encoding="utf-8")
    doc = doctor_json(script, 40, tmp_path, KERAS_ENV)
    ids = [f["id"] for f in errors(doc)]
    assert ids == ["train-step-updates-nothing"], describe(doc)
    assert errors(doc)[0]["location"]["line"] == line_of(script, "# bug: frozen")
    assert sorted(doc["roles"]["optimizers"].values()) == ["discriminator", "generator"], doc["roles"]


def _losses(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> list[str]:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=cwd,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or KERAS_ENV)})
    lines = [line for line in done.stdout.splitlines() if line.startswith("loss ")]
    assert lines, done.stderr[-3000:]
    return lines


def test_the_doctor_leaves_the_losses_unchanged(tmp_path: Path) -> None:
    needs_keras()
    tape = _tape(tmp_path, iterations=8)
    keras_gan = classic(tmp_path, "toggle")
    text = keras_gan.read_text(encoding="utf-8")  # print the generator's loss at each step
    text = text.replace("combined.train_on_batch(", "print('loss', it, combined.train_on_batch(")
    keras_gan.write_text(text.replace("  # bug: combined step", ")"), encoding="utf-8")
    for script in (tape, keras_gan):
        plain = _losses([sys.executable, str(script)], tmp_path)
        watched = _losses([sys.executable, "-m", "gandoctor", "run", "--no-report", "--max-steps", "100000",
                           str(script)], tmp_path)
        assert watched == plain, (script.name, plain[:3], watched[:3])


# everyday Keras, no GAN: fit with validation and a callback, evaluate, predict, save and load, a frozen fit
EVERYDAY = """
import numpy as np, keras
from keras import layers
from sklearn.datasets import load_digits
keras.utils.set_random_seed(0)
d = load_digits()
x, y = d.data.astype("float32") / 16.0, d.target
m = keras.Sequential([keras.Input((64,)), layers.Dense(32, activation="relu"), layers.Dropout(0.2),
                      layers.BatchNormalization(), layers.Dense(10, activation="softmax")])
m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
h = m.fit(x, y, epochs=2, batch_size=64, validation_split=0.2, verbose=0,
          callbacks=[keras.callbacks.EarlyStopping(patience=1)])
print("loss", h.history["loss"], h.history["val_loss"], m.evaluate(x, y, verbose=0))
print("loss", m.predict(x[:3], verbose=0).tolist())
m.save("{SAVED}")
print("loss", keras.models.load_model("{SAVED}").predict(x[:2], verbose=0).tolist())
m.trainable = False
print("loss", m.fit(x, y, epochs=1, verbose=0).history["loss"])
"""


@pytest.mark.parametrize("backend", ["tensorflow", "torch"])
def test_everyday_keras_runs_the_same(tmp_path: Path, backend: str) -> None:
    needs_keras(backend)
    script = tmp_path / "everyday.py"
    script.write_text(EVERYDAY.replace("{SAVED}", str(tmp_path / "m.keras")), encoding="utf-8")
    env = {"KERAS_BACKEND": backend}
    plain = _losses([sys.executable, str(script)], tmp_path, env)
    watched = _losses([sys.executable, "-m", "gandoctor", "run", "--no-report", "--max-steps", "100000",
                       str(script)], tmp_path, env)
    assert watched == plain
