"""A conditional GAN on MNIST in the classic Keras style, whose generator step targets the fake label.

As the correct twin (label-conditioned G and D, combined model, per-step trainable toggle), but the
combined (generator) step is given ``fake`` as its target: G learns to make D call its samples fake.
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
LATENT, CLASSES = 32, 10


def read_idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def build_generator():
    noise = keras.Input(shape=(LATENT,))
    label = keras.Input(shape=(1,), dtype="int32")
    label_embedding = layers.Flatten()(layers.Embedding(CLASSES, LATENT)(label))
    h = layers.multiply([noise, label_embedding])
    h = layers.LeakyReLU(0.2)(layers.Dense(128)(h))
    img = layers.Dense(784, activation="tanh")(h)
    return keras.Model([noise, label], img)


def build_discriminator():
    img = keras.Input(shape=(784,))
    label = keras.Input(shape=(1,), dtype="int32")
    label_embedding = layers.Flatten()(layers.Embedding(CLASSES, 784)(label))
    h = layers.concatenate([img, label_embedding])
    h = layers.LeakyReLU(0.2)(layers.Dense(128)(h))
    validity = layers.Dense(1, activation="sigmoid")(h)
    return keras.Model([img, label], validity)


keras.utils.set_random_seed(0)
x_train = read_idx(DATA / "t10k-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype("float32") / 127.5 - 1.0
y_train = read_idx(DATA / "t10k-labels-idx1-ubyte.gz", 8).astype("int32").reshape(-1, 1)

discriminator = build_discriminator()
discriminator.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(2e-4, 0.5))
generator = build_generator()

noise = keras.Input(shape=(LATENT,))
label = keras.Input(shape=(1,), dtype="int32")
valid_score = discriminator([generator([noise, label]), label])
combined = keras.Model([noise, label], valid_score)
combined.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(2e-4, 0.5))

batch_size = 32
valid = np.ones((batch_size, 1), dtype="float32")
fake = np.zeros((batch_size, 1), dtype="float32")

for epoch in range(200):
    idx = np.random.randint(0, x_train.shape[0], batch_size)
    imgs, labels = x_train[idx], y_train[idx]
    z = np.random.normal(0, 1, (batch_size, LATENT)).astype("float32")
    gen_imgs = generator.predict([z, labels], verbose=0)

    discriminator.trainable = True
    d_loss_real = discriminator.train_on_batch([imgs, labels], valid)
    d_loss_fake = discriminator.train_on_batch([gen_imgs, labels], fake)

    discriminator.trainable = False
    sampled_labels = np.random.randint(0, CLASSES, (batch_size, 1)).astype("int32")
    g_loss = combined.train_on_batch([z, sampled_labels], fake)  # doctor: expect label-mismatch

    if epoch % 50 == 0:
        print(f"{epoch} [D loss: {0.5 * (d_loss_real + d_loss_fake):.4f}] [G loss: {g_loss:.4f}]")
