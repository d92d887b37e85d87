"""A least-squares GAN (LSGAN) in the classic Keras combined-model style, for Keras 3, whose
discriminator kept the sigmoid of the BCE version: least squares on a sigmoid's output saturates, and
the generator's gradient vanishes once D is confident. LSGAN's D outputs a raw score.
"""
# doctor: needs mnist
# doctor: needs keras
# doctor: needs tensorflow
import gzip
from pathlib import Path

import numpy as np
import keras
from keras import layers

DATA = Path(__file__).resolve().parents[4].parent / "shared" / "data" / "mnist"
LATENT = 64


def load_images(path):
    with gzip.open(path, "rb") as f:
        pixels = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    return pixels.reshape(-1, 784).astype("float32") / 127.5 - 1.0


def build_generator():
    return keras.Sequential([
        keras.Input(shape=(LATENT,)),
        layers.Dense(128),
        layers.LeakyReLU(0.2),
        layers.Dense(784, activation="tanh"),
    ])


def build_discriminator():
    return keras.Sequential([
        keras.Input(shape=(784,)),
        layers.Dense(128),
        layers.LeakyReLU(0.2),
        layers.Dense(1, activation="sigmoid"),  # doctor: expect least-squares-on-sigmoid
    ])


keras.utils.set_random_seed(0)
x_train = load_images(DATA / "t10k-images-idx3-ubyte.gz")

discriminator = build_discriminator()
discriminator.compile(optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5), loss="mse")
generator = build_generator()

z = keras.Input(shape=(LATENT,))
validity = discriminator(generator(z))
combined = keras.Model(z, validity)
combined.compile(optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5), loss="mse")

batch_size = 32
valid = np.ones((batch_size, 1), dtype="float32")
fake = np.zeros((batch_size, 1), dtype="float32")
rng = np.random.default_rng(0)

for epoch in range(200):
    idx = rng.integers(0, x_train.shape[0], batch_size)
    real_imgs = x_train[idx]
    noise = rng.normal(0, 1, (batch_size, LATENT)).astype("float32")
    gen_imgs = generator.predict(noise, verbose=0)

    discriminator.trainable = True
    d_loss_real = discriminator.train_on_batch(real_imgs, valid)
    d_loss_fake = discriminator.train_on_batch(gen_imgs, fake)
    d_loss = 0.5 * (d_loss_real + d_loss_fake)

    discriminator.trainable = False
    noise = rng.normal(0, 1, (batch_size, LATENT)).astype("float32")
    g_loss = combined.train_on_batch(noise, valid)

    if epoch % 20 == 0:
        print(f"{epoch} [D loss: {d_loss:.4f}] [G loss: {g_loss:.4f}]")
