"""A classic Keras combined-model GAN that hands ONE optimizer object to both ``compile`` calls.

Many Keras 2 GANs build a single ``Adam`` and pass it to the discriminator's ``compile`` and to the
combined model's. Here D is frozen for the combined model before it ever trained: Keras 3 reads a model's
trainable weights at its first ``train_on_batch``, so D's own steps update nothing, for ever (Keras only
warns "The model does not have any trainable weights"); the generator's steps through the combined model
are fine.
"""
# doctor: needs mnist
# doctor: needs keras
# doctor: needs tensorflow
import gzip
from pathlib import Path

import numpy as np
import keras
from keras import layers

MNIST = Path(__file__).resolve().parents[4].parent / "shared" / "data" / "mnist"
Z_DIM = 100
BATCH = 64


def read_mnist(path):
    with gzip.open(path, "rb") as fh:
        raw = np.frombuffer(fh.read(), dtype=np.uint8, offset=16)
    imgs = raw.reshape(-1, 28, 28, 1).astype("float32")
    return (imgs - 127.5) / 127.5


class ClassicGAN:
    def __init__(self):
        adam = keras.optimizers.Adam(0.0002, 0.5)

        self.disc = self.make_disc()
        self.disc.compile(loss="binary_crossentropy", optimizer=adam, metrics=["accuracy"])

        self.gen = self.make_gen()
        noise_in = keras.Input(shape=(Z_DIM,))
        fake_img = self.gen(noise_in)
        self.disc.trainable = False  # doctor: expect train-step-updates-nothing
        score = self.disc(fake_img)
        self.stacked = keras.Model(noise_in, score)
        self.stacked.compile(loss="binary_crossentropy", optimizer=adam)

    @staticmethod
    def make_gen():
        net = keras.Sequential([
            keras.Input(shape=(Z_DIM,)),
            layers.Dense(256),
            layers.LeakyReLU(0.2),
            layers.BatchNormalization(momentum=0.8),
            layers.Dense(512),
            layers.LeakyReLU(0.2),
            layers.BatchNormalization(momentum=0.8),
            layers.Dense(28 * 28, activation="tanh"),
            layers.Reshape((28, 28, 1)),
        ])
        z = keras.Input(shape=(Z_DIM,))
        return keras.Model(z, net(z))

    @staticmethod
    def make_disc():
        net = keras.Sequential([
            keras.Input(shape=(28, 28, 1)),
            layers.Flatten(),
            layers.Dense(512),
            layers.LeakyReLU(0.2),
            layers.Dense(256),
            layers.LeakyReLU(0.2),
            layers.Dense(1, activation="sigmoid"),
        ])
        x = keras.Input(shape=(28, 28, 1))
        return keras.Model(x, net(x))

    def train(self, iterations):
        data = read_mnist(MNIST / "t10k-images-idx3-ubyte.gz")
        ones = np.ones((BATCH, 1))
        zeros = np.zeros((BATCH, 1))
        for it in range(iterations):
            batch = data[np.random.randint(0, data.shape[0], BATCH)]
            z = np.random.normal(0, 1, (BATCH, Z_DIM))
            generated = self.gen.predict(z, verbose=0)
            loss_real = self.disc.train_on_batch(batch, ones)
            loss_fake = self.disc.train_on_batch(generated, zeros)
            d_loss = 0.5 * np.add(loss_real, loss_fake)

            z = np.random.normal(0, 1, (BATCH, Z_DIM))
            g_loss = self.stacked.train_on_batch(z, ones)
            if it % 25 == 0:
                print(f"{it} [D loss {d_loss[0]:.4f} acc {100 * d_loss[1]:.1f}%] [G loss {g_loss:.4f}]")


if __name__ == "__main__":
    np.random.seed(0)
    keras.utils.set_random_seed(0)
    ClassicGAN().train(200)
