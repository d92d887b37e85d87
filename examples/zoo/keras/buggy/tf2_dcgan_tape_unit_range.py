"""The TensorFlow 2 DCGAN tutorial's style (GradientTape, ``tf.function``) with its pixels scaled to [0, 1].

``train_images / 255.0`` is the scaling most image tutorials use, but the generator ends in tanh: its
samples live in [-1, 1] and never reach the real batches' range, so the discriminator separates them by
range alone. The real batches reach D only inside the traced ``train_step``.
"""
# doctor: needs mnist
# doctor: needs tensorflow
import gzip
import time
from pathlib import Path

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

DATA = Path(__file__).resolve().parents[4].parent / "shared" / "data" / "mnist"
BUFFER_SIZE = 10000
BATCH_SIZE = 64
NOISE_DIM = 32
EPOCHS = 3


def load_mnist(path):
    with gzip.open(path, "rb") as f:
        raw = np.frombuffer(f.read(), np.uint8, offset=16)
    return raw.reshape(-1, 28, 28, 1).astype("float32")


def make_generator_model():
    model = tf.keras.Sequential()
    model.add(layers.Input(shape=(NOISE_DIM,)))
    model.add(layers.Dense(7 * 7 * 16, use_bias=False))
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())
    model.add(layers.Reshape((7, 7, 16)))
    model.add(layers.Conv2DTranspose(8, (5, 5), strides=(2, 2), padding="same", use_bias=False))
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())
    model.add(layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding="same", use_bias=False,
                                     activation="tanh"))
    return model


def make_discriminator_model():
    model = tf.keras.Sequential()
    model.add(layers.Input(shape=(28, 28, 1)))
    model.add(layers.Conv2D(8, (5, 5), strides=(2, 2), padding="same"))
    model.add(layers.LeakyReLU())
    model.add(layers.Dropout(0.3))
    model.add(layers.Conv2D(16, (5, 5), strides=(2, 2), padding="same"))
    model.add(layers.LeakyReLU())
    model.add(layers.Dropout(0.3))
    model.add(layers.Flatten())
    model.add(layers.Dense(1))
    return model


tf.keras.utils.set_random_seed(0)
train_images = load_mnist(DATA / "t10k-images-idx3-ubyte.gz")
train_images = train_images / 255.0  # doctor: expect data-range-mismatch
train_dataset = tf.data.Dataset.from_tensor_slices(train_images).shuffle(BUFFER_SIZE, seed=0).batch(BATCH_SIZE)

generator = make_generator_model()
discriminator = make_discriminator_model()

cross_entropy = tf.keras.losses.BinaryCrossentropy(from_logits=True)


def discriminator_loss(real_output, fake_output):
    real_loss = cross_entropy(tf.ones_like(real_output), real_output)
    fake_loss = cross_entropy(tf.zeros_like(fake_output), fake_output)
    return real_loss + fake_loss


def generator_loss(fake_output):
    return cross_entropy(tf.ones_like(fake_output), fake_output)


generator_optimizer = tf.keras.optimizers.Adam(1e-4)
discriminator_optimizer = tf.keras.optimizers.Adam(1e-4)


@tf.function
def train_step(images):
    noise = tf.random.normal([BATCH_SIZE, NOISE_DIM])

    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        generated_images = generator(noise, training=True)

        real_output = discriminator(images, training=True)
        fake_output = discriminator(generated_images, training=True)

        gen_loss = generator_loss(fake_output)
        disc_loss = discriminator_loss(real_output, fake_output)

    gradients_of_generator = gen_tape.gradient(gen_loss, generator.trainable_variables)
    gradients_of_discriminator = disc_tape.gradient(disc_loss, discriminator.trainable_variables)

    generator_optimizer.apply_gradients(zip(gradients_of_generator, generator.trainable_variables))
    discriminator_optimizer.apply_gradients(zip(gradients_of_discriminator, discriminator.trainable_variables))
    return gen_loss, disc_loss


def train(dataset, epochs):
    for epoch in range(epochs):
        start = time.time()
        for image_batch in dataset:
            if image_batch.shape[0] != BATCH_SIZE:
                continue
            gen_loss, disc_loss = train_step(image_batch)
        print(f"epoch {epoch + 1}: gen {float(gen_loss):.4f} disc {float(disc_loss):.4f} "
              f"({time.time() - start:.1f} s)")


train(train_dataset, EPOCHS)
