"""One-hidden-layer MLP GAN on MNIST, as in the original assignment (bugs kept).

100-d uniform noise -> 200 hidden -> 784, weights drawn from N(0, 1).
"""
# doctor: needs mnist
import gzip
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "mnist"


def load_mnist_images(path):
    with gzip.open(path, "rb") as f:
        raw = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    return raw.reshape(-1, 784).astype(np.float32) / 255.0


class MLP(nn.Module):
    def __init__(self, n_in, n_hidden, n_out, out_act):
        super().__init__()
        self.hidden = nn.Linear(n_in, n_hidden)
        self.out = nn.Linear(n_hidden, n_out)
        self.out_act = out_act
        for layer in (self.hidden, self.out):
            nn.init.normal_(layer.weight, 0.0, 1.0)  # doctor: expect saturated-initialization
            nn.init.zeros_(layer.bias)

    def forward(self, x):
        h = self.hidden(x)
        return self.out_act(self.out(h))


images = torch.from_numpy(load_mnist_images(DATA / "t10k-images-idx3-ubyte.gz"))
torch.manual_seed(1)
G = MLP(100, 200, 784, nn.Sigmoid())
D = MLP(784, 200, 1, nn.Sigmoid())
loss_fn = nn.BCEWithLogitsLoss()
opt_G = torch.optim.Adam(G.parameters(), lr=1e-3)
opt_D = torch.optim.Adam(D.parameters(), lr=1e-3)
batch = 64

for step in range(2000):
    idx = torch.randint(0, len(images), (batch,))
    x = images[idx]
    z = torch.rand(batch, 100)

    d_loss = loss_fn(D(x), torch.ones(batch, 1)) + loss_fn(D(G(z).detach()), torch.zeros(batch, 1))
    opt_D.zero_grad()
    d_loss.backward()
    opt_D.step()

    g_loss = loss_fn(D(G(z)), torch.ones(batch, 1))
    opt_G.zero_grad()
    g_loss.backward()
    opt_G.step()

    if step % 200 == 0:
        print(step, d_loss.item(), g_loss.item())
