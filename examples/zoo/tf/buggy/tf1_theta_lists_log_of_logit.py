"""Bug: the log of D's raw logit (D_logit_real) where its probability was meant. A TF1 MLP GAN in the style of the popular "generative-models" collections: module-level weight
variables with a scaled-normal ("xavier") init, theta lists as var_lists, D returning (probability,
logit), and the original minimax losses written with tf.log on D's probabilities."""
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
    images = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255.


def xavier_init(size):
    return tf.random_normal(shape=size, stddev=1. / tf.sqrt(size[0] / 2.))


X = tf.placeholder(tf.float32, shape=[None, 784])
Z = tf.placeholder(tf.float32, shape=[None, 100])

D_W1 = tf.Variable(xavier_init([784, 128]))
D_b1 = tf.Variable(tf.zeros(shape=[128]))
D_W2 = tf.Variable(xavier_init([128, 1]))
D_b2 = tf.Variable(tf.zeros(shape=[1]))
theta_D = [D_W1, D_W2, D_b1, D_b2]

G_W1 = tf.Variable(xavier_init([100, 128]))
G_b1 = tf.Variable(tf.zeros(shape=[128]))
G_W2 = tf.Variable(xavier_init([128, 784]))
G_b2 = tf.Variable(tf.zeros(shape=[784]))
theta_G = [G_W1, G_W2, G_b1, G_b2]


def generator(z):
    h = tf.nn.relu(tf.matmul(z, G_W1) + G_b1)
    return tf.nn.sigmoid(tf.matmul(h, G_W2) + G_b2)


def discriminator(x):
    h = tf.nn.relu(tf.matmul(x, D_W1) + D_b1)
    logit = tf.matmul(h, D_W2) + D_b2
    return tf.nn.sigmoid(logit), logit


G_sample = generator(Z)
D_real, D_logit_real = discriminator(X)
D_fake, D_logit_fake = discriminator(G_sample)

D_loss = -tf.reduce_mean(tf.log(D_logit_real + 1e-8) + tf.log(1. - D_fake + 1e-8))  # doctor: expect probability-loss-on-logits
G_loss = -tf.reduce_mean(tf.log(D_fake + 1e-8))

D_solver = tf.train.AdamOptimizer().minimize(D_loss, var_list=theta_D)
G_solver = tf.train.AdamOptimizer().minimize(G_loss, var_list=theta_G)

sess = tf.Session()
sess.run(tf.global_variables_initializer())
for it in range(100000):
    X_mb = images[np.random.randint(0, len(images), 128)]
    _, D_loss_curr = sess.run([D_solver, D_loss], feed_dict={X: X_mb, Z: np.random.uniform(-1., 1., [128, 100])})
    _, G_loss_curr = sess.run([G_solver, G_loss], feed_dict={Z: np.random.uniform(-1., 1., [128, 100])})
    if it % 1000 == 0:
        print(f"Iter {it}: D loss {D_loss_curr:.4}, G loss {G_loss_curr:.4}")
