"""Bug: the variables' initializer runs inside the training loop, so every iteration starts from fresh
random weights (and adds ops to the graph). A small TF1 DCGAN on MNIST written with tf.get_variable helpers (conv2d / conv2d_transpose / linear),
variable scopes with reuse, var_lists taken from the scopes' collections, tanh output and images scaled
to [-1, 1], and a with-logits loss on D's raw scores."""
# doctor: needs mnist
# doctor: needs tensorflow
# doctor: max-steps 20
import gzip
from pathlib import Path

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

MNIST = Path(__file__).resolve().parents[5] / "shared" / "data" / "mnist" / "t10k-images-idx3-ubyte.gz"
with gzip.open(MNIST, "rb") as f:
    raw = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 28, 28, 1)
data = raw.astype(np.float32) / 127.5 - 1.0

BATCH, Z_DIM = 32, 64


def linear(x, n_out, name):
    with tf.variable_scope(name):
        w = tf.get_variable("w", [x.shape[-1], n_out], initializer=tf.random_normal_initializer(stddev=0.02))
        b = tf.get_variable("b", [n_out], initializer=tf.zeros_initializer())
        return tf.matmul(x, w) + b


def conv2d(x, n_out, name):
    with tf.variable_scope(name):
        w = tf.get_variable("w", [4, 4, x.shape[-1], n_out], initializer=tf.random_normal_initializer(stddev=0.02))
        return tf.nn.conv2d(x, w, strides=[1, 2, 2, 1], padding="SAME")


def deconv2d(x, out_shape, name):
    with tf.variable_scope(name):
        w = tf.get_variable("w", [4, 4, out_shape[-1], x.shape[-1]],
                            initializer=tf.random_normal_initializer(stddev=0.02))
        return tf.nn.conv2d_transpose(x, w, output_shape=out_shape, strides=[1, 2, 2, 1], padding="SAME")


def generator(z):
    with tf.variable_scope("generator"):
        h = tf.nn.relu(tf.reshape(linear(z, 7 * 7 * 32, "g_fc"), [-1, 7, 7, 32]))
        h = tf.nn.relu(deconv2d(h, [BATCH, 14, 14, 16], "g_dc1"))
        return tf.nn.tanh(deconv2d(h, [BATCH, 28, 28, 1], "g_dc2"))


def discriminator(x, reuse=False):
    with tf.variable_scope("discriminator", reuse=reuse):
        h = tf.nn.leaky_relu(conv2d(x, 16, "d_c1"), 0.2)
        h = tf.nn.leaky_relu(conv2d(h, 32, "d_c2"), 0.2)
        return linear(tf.reshape(h, [BATCH, -1]), 1, "d_fc")


z = tf.placeholder(tf.float32, [BATCH, Z_DIM])
images = tf.placeholder(tf.float32, [BATCH, 28, 28, 1])
fake = generator(z)
d_real = discriminator(images)
d_fake = discriminator(fake, reuse=True)

bce = tf.nn.sigmoid_cross_entropy_with_logits
d_loss = tf.reduce_mean(bce(logits=d_real, labels=tf.ones_like(d_real))) + \
    tf.reduce_mean(bce(logits=d_fake, labels=tf.zeros_like(d_fake)))
g_loss = tf.reduce_mean(bce(logits=d_fake, labels=tf.ones_like(d_fake)))

g_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope="generator")
d_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope="discriminator")
d_optim = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(d_loss, var_list=d_vars)
g_optim = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(g_loss, var_list=g_vars)

with tf.Session() as sess:
    for step in range(5000):
        sess.run(tf.global_variables_initializer())  # doctor: expect variables-reinitialized
        batch = data[np.random.randint(0, len(data), BATCH)]
        noise = np.random.normal(size=(BATCH, Z_DIM)).astype(np.float32)
        _, dl = sess.run([d_optim, d_loss], {images: batch, z: noise})
        _, gl = sess.run([g_optim, g_loss], {z: noise})
        if step % 500 == 0:
            print(f"step {step}: d_loss {dl:.3f} g_loss {gl:.3f}")
