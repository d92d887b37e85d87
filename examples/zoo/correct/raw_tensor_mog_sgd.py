"""Ring GAN with hand-made weights (raw tensors), manual batching, functional losses and SGD."""
# doctor: max-steps 400
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
points = torch.cat([
    2 * torch.tensor([[math.cos(k * math.pi / 4), math.sin(k * math.pi / 4)]]) + 0.05 * torch.randn(1000, 2)
    for k in range(8)
])
points = points[torch.randperm(len(points))]


def layer(n_in, n_out):
    w = (torch.randn(n_in, n_out) / math.sqrt(n_in)).requires_grad_()
    b = torch.zeros(n_out, requires_grad=True)
    return [w, b]


g_w = layer(4, 64) + layer(64, 64) + layer(64, 2)
d_w = layer(2, 64) + layer(64, 64) + layer(64, 1)


def forward(x, w):
    x = F.leaky_relu(x @ w[0] + w[1], 0.2)
    x = F.leaky_relu(x @ w[2] + w[3], 0.2)
    return x @ w[4] + w[5]


g_opt = torch.optim.SGD(g_w, lr=0.01, momentum=0.5)
d_opt = torch.optim.SGD(d_w, lr=0.01, momentum=0.5)
bs = 100

for epoch in range(20):
    for start in range(0, len(points), bs):
        real = points[start:start + bs]
        fake = forward(torch.randn(bs, 4), g_w)
        d_opt.zero_grad()
        d_loss = F.binary_cross_entropy_with_logits(forward(real, d_w), torch.ones(bs, 1)) + \
            F.binary_cross_entropy_with_logits(forward(fake.detach(), d_w), torch.zeros(bs, 1))
        d_loss.backward()
        d_opt.step()
        g_opt.zero_grad()
        g_loss = F.binary_cross_entropy_with_logits(forward(fake, d_w), torch.ones(bs, 1))
        g_loss.backward()
        g_opt.step()
    print(epoch, d_loss.item(), g_loss.item())
