"""The founding TensorFlow 1.x MLP GAN on MNIST, fixed as the accepted answer says.

Hidden layers get an activation (leaky ReLU), D returns logits (the with-logits loss applies the sigmoid),
weights start from Glorot's initialiser, and D's variables are made with ``tf.get_variable`` so that
``reuse=True`` really shares them between D(real) and D(G(z)). Same data stand-in as the buggy twin.
"""
# doctor: needs mnist
# doctor: needs tensorflow
# doctor: max-steps 300
import gzip
from pathlib import Path

import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()
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


mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
def noise(batch_size):
    return np.random.uniform(-1, 1, (batch_size, 100))
learning_rate = 0.0002
batch_size = 128
input = tf.placeholder('float', [None, 100])
real_data = tf.placeholder('float', [None, 784])
glorot = tf.glorot_uniform_initializer()
def dense(x, n_out, name):
    w = tf.get_variable(name + '_w', [x.shape[1], n_out], initializer=glorot)
    b = tf.get_variable(name + '_b', [n_out], initializer=tf.zeros_initializer())
    return tf.matmul(x, w) + b
def generator(x):
    hl1 = tf.nn.leaky_relu(dense(x, 200, 'hl1'), 0.2)
    return tf.nn.sigmoid(dense(hl1, 784, 'ol'))  # images are in [0, 1]
def discriminator(x):
    hl1 = tf.nn.leaky_relu(dense(x, 200, 'hl1'), 0.2)
    return dense(hl1, 1, 'ol')  # logits
with tf.variable_scope("G"):
    G = generator(input)
with tf.variable_scope("D"):
    D_real = discriminator(real_data)
with tf.variable_scope("D", reuse=True):
    D_gen = discriminator(G)
generator_parameters = [x for x in tf.trainable_variables() if x.name.startswith('G/')]
discriminator_parameters = [x for x in tf.trainable_variables() if x.name.startswith('D/')]
G_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=D_gen, labels=tf.ones_like(D_gen)))
D_real_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=D_real, labels=tf.ones_like(D_real)))
D_fake_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=D_gen, labels=tf.zeros_like(D_gen)))
D_total_loss = tf.add(D_fake_loss, D_real_loss)
G_train = tf.train.AdamOptimizer(learning_rate, beta1=0.5).minimize(G_loss, var_list=generator_parameters)
D_train = tf.train.AdamOptimizer(learning_rate, beta1=0.5).minimize(D_total_loss, var_list=discriminator_parameters)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
for epoch in range(200):
    for iteration in range(int(len(mnist.train.images) / batch_size)):
        real_batch, _ = mnist.train.next_batch(batch_size)
        _, d_err = sess.run([D_train, D_total_loss], feed_dict={real_data: real_batch, input: noise(batch_size)})
        _, g_err = sess.run([G_train, G_loss], feed_dict={input: noise(batch_size)})
    print(f"epoch {epoch}: D loss {d_err:.3f}, G loss {g_err:.3f}")
