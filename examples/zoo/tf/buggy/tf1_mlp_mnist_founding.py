"""The founding TensorFlow 1.x MLP GAN on MNIST, as its author posted it, bugs kept.

Changed only so that TensorFlow 2.21 runs it: the compat.v1 import, and a small stand-in for the removed
``input_data`` reading the MNIST IDX files into [0, 1] (here the t10k split beside the checkout).
Bugs: no activation on the hidden layers; a sigmoid before sigmoid_cross_entropy_with_logits; weights
from N(0, 1); and ``tf.Variable`` ignores ``reuse=True``, so ``discriminator(G)`` builds an untrained copy
of D (scope ``D_1/``) that the ``'D/'`` filter leaves out of every var_list.
"""
# doctor: needs mnist
# doctor: needs tensorflow
import gzip
from pathlib import Path

import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()
import matplotlib.pyplot as plt
import numpy as np


class input_data:  # stand-in for tensorflow.examples.tutorials.mnist.input_data (removed from TF 2)
    class _Set:
        def __init__(self, images):
            self.images, self._at = images, 0

        def next_batch(self, n):
            if self._at + n > len(self.images):
                self._at = 0
            self._at += n
            return self.images[self._at - n:self._at], None

    @staticmethod
    def read_data_sets(folder, one_hot=True):
        path = Path(__file__).resolve().parents[5] / "shared" / "data" / "mnist" / "t10k-images-idx3-ubyte.gz"
        with gzip.open(path, "rb") as f:
            raw = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
        data = type("Datasets", (), {})()
        data.train = input_data._Set(raw.reshape(-1, 784).astype(np.float32) / 255.0)
        return data


mnist = input_data.read_data_sets("MNIST_data/",one_hot=True)
def noise(batch_size):
    return np.random.uniform(-1, 1, (batch_size, 100))
learning_rate = 0.001
batch_size = 128
input = tf.placeholder('float', [None, 100])
real_data = tf.placeholder('float', [None, 784])
def generator(x):
    weights = {'hl1' : tf.Variable(tf.random_normal([100, 200])), 'ol' : tf.Variable(tf.random_normal([200, 784]))}
    biases = {'hl1' : tf.Variable(tf.random_normal([200])), 'ol' : tf.Variable(tf.random_normal([784]))}
    hl1 = tf.add(tf.matmul(x, weights['hl1']), biases['hl1'])
    ol = tf.nn.sigmoid(tf.add(tf.matmul(hl1, weights['ol']), biases['ol']))
    return ol
def discriminator(x):
    weights = {'hl1' : tf.Variable(tf.random_normal([784, 200])), 'ol' : tf.Variable(tf.random_normal([200, 1]))}
    biases = {'hl1' : tf.Variable(tf.random_normal([200])), 'ol' : tf.Variable(tf.random_normal([1]))}
    hl1 = tf.add(tf.matmul(x, weights['hl1']), biases['hl1'])
    ol = tf.nn.sigmoid(tf.add(tf.matmul(hl1, weights['ol']), biases['ol']))
    return ol
with tf.variable_scope("G"):
    G = generator(input)
with tf.variable_scope("D"):
    D_real = discriminator(real_data)
with tf.variable_scope("D", reuse = True):
    D_gen = discriminator(G)  # doctor: expect untrained-network-copy
generator_parameters = [x for x in tf.trainable_variables() if x.name.startswith('G/')]
discriminator_parameters = [x for x in tf.trainable_variables() if x.name.startswith('D/')]
G_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=D_gen, labels=tf.ones_like(D_gen)))
D_real_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=D_real, labels=tf.ones_like(D_real)))
D_fake_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=D_gen, labels=tf.zeros_like(D_gen)))
D_total_loss = tf.add(D_fake_loss, D_real_loss)
G_train = tf.train.AdamOptimizer(learning_rate).minimize(G_loss,var_list=generator_parameters)
D_train = tf.train.AdamOptimizer(learning_rate).minimize(D_total_loss,var_list=discriminator_parameters)
sess = tf.Session()
init = tf.global_variables_initializer()
sess.run(init)
for epoch in range(200):
    for iteratiion in range(int(len(mnist.train.images)/batch_size)):
        real_batch, _ = mnist.train.next_batch(batch_size)
        _, d_err = sess.run([D_train, D_total_loss], feed_dict = {real_data : real_batch, input : noise(batch_size)})
        _, g_err = sess.run([G_train, G_loss], feed_dict = {input : noise(batch_size)})
