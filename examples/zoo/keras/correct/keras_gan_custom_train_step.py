"""A GAN as a ``keras.Model`` subclass with its own ``train_step``, trained by ``fit``, in the style of
the Keras examples: D sees real and generated images concatenated, with a little label noise, then G is
trained through D with "misleading" labels. Small MLPs on MNIST so that a CPU trains it.
"""
# doctor: needs mnist
# doctor: needs keras
# doctor: needs tensorflow
# doctor: max-steps 300
import gzip
from pathlib import Path

import numpy as np
import tensorflow as tf
import keras
from keras import layers, ops

DATA = Path(__file__).resolve().parents[4].parent / "shared" / "data" / "mnist"
LATENT_DIM = 32


def load_images(path):
    with gzip.open(path, "rb") as f:
        pixels = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    return pixels.reshape(-1, 784).astype("float32") / 255.0


discriminator = keras.Sequential(
    [
        keras.Input(shape=(784,)),
        layers.Dense(128),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Dense(1),
    ],
    name="discriminator",
)
generator = keras.Sequential(
    [
        keras.Input(shape=(LATENT_DIM,)),
        layers.Dense(128),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Dense(784, activation="sigmoid"),
    ],
    name="generator",
)


class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(1337)

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn
        self.d_loss_metric = keras.metrics.Mean(name="d_loss")
        self.g_loss_metric = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        return [self.d_loss_metric, self.g_loss_metric]

    def train_step(self, real_images):
        batch_size = ops.shape(real_images)[0]
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator
        )
        generated_images = self.generator(random_latent_vectors)
        combined_images = ops.concatenate([generated_images, real_images], axis=0)
        labels = ops.concatenate([ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0)
        labels += 0.05 * tf.random.uniform(tf.shape(labels))

        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined_images)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator
        )
        misleading_labels = ops.zeros((batch_size, 1))
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(random_latent_vectors))
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

        self.d_loss_metric.update_state(d_loss)
        self.g_loss_metric.update_state(g_loss)
        return {"d_loss": self.d_loss_metric.result(), "g_loss": self.g_loss_metric.result()}


keras.utils.set_random_seed(0)
images = load_images(DATA / "t10k-images-idx3-ubyte.gz")
dataset = tf.data.Dataset.from_tensor_slices(images).shuffle(buffer_size=1024, seed=0).batch(64, drop_remainder=True)

gan = GAN(discriminator=discriminator, generator=generator, latent_dim=LATENT_DIM)
gan.compile(
    d_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
    g_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
    loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
)
gan.fit(dataset, epochs=2, verbose=2)
