"""Small real GANs on sklearn's digits for the checks of bugs users report most (WGAN-GP, crashes,
auxiliary heads, loss shapes): each function trains a few steps with one switch that plants the bug.
Lines a check should point at carry ``# doctor: <marker>`` (see tiny_gan.line_of).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

import gandoctor
from gandoctor.doctor.api import Doctor

from ..tiny_gan import digits


def watched(train: Callable[[], None]) -> Doctor:
    """Run ``train`` under the doctor; the crash bugs raise, and the doctor still reports."""
    doc = gandoctor.watch()
    try:
        with doc:
            train()
    except (RuntimeError, ValueError):
        pass
    return doc


def _batch(n: int = 32) -> torch.Tensor:
    data = digits()
    return data[torch.randint(0, len(data), (n,))]


def auxiliary_head(head: str, steps: int = 3) -> None:
    """ACGAN-style D with a class head: "logits" + CE, "softmax" + CE (the bug), "logsoftmax" + NLL."""
    torch.manual_seed(0)
    g = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 64), nn.Tanh())
    body = nn.Sequential(nn.Linear(64, 64), nn.LeakyReLU(0.2))
    adv = nn.Linear(64, 1)
    if head == "softmax":
        cls = nn.Sequential(nn.Linear(64, 10), nn.Softmax(dim=1))  # doctor: softmax-head
    elif head == "logsoftmax":
        cls = nn.Sequential(nn.Linear(64, 10), nn.LogSoftmax(dim=1))
    else:
        cls = nn.Linear(64, 10)
    class_loss = nn.NLLLoss() if head == "logsoftmax" else nn.CrossEntropyLoss()
    opt_g = torch.optim.Adam(g.parameters(), 2e-4)
    opt_d = torch.optim.Adam([*body.parameters(), *adv.parameters(), *cls.parameters()], 2e-4)
    labels = torch.randint(0, 10, (32,))
    for _ in range(steps):
        real, fake = _batch(), g(torch.randn(32, 16))
        h_real, h_fake = body(real), body(fake.detach())
        d_loss = F.binary_cross_entropy_with_logits(adv(h_real), torch.ones(32, 1)) + \
            F.binary_cross_entropy_with_logits(adv(h_fake), torch.zeros(32, 1)) + \
            class_loss(cls(h_real), labels)
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = F.binary_cross_entropy_with_logits(adv(body(fake)), torch.ones(32, 1))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()


def lsgan(sigmoid: bool, vector_target: bool = False, steps: int = 3) -> None:
    """LSGAN: MSE on D's output; the bugs: a sigmoid at D's end, or a (B,) target against (B, 1)."""
    torch.manual_seed(0)
    g = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 64), nn.Tanh())
    layers: list[nn.Module] = [nn.Linear(64, 64), nn.LeakyReLU(0.2), nn.Linear(64, 1)]
    if sigmoid:
        layers.append(nn.Sigmoid())  # doctor: lsgan-sigmoid
    d = nn.Sequential(*layers)
    opt_g, opt_d = torch.optim.Adam(g.parameters(), 2e-4), torch.optim.Adam(d.parameters(), 2e-4)
    shape = (32,) if vector_target else (32, 1)
    for _ in range(steps):
        real, fake = _batch(), g(torch.randn(32, 16))
        d_loss = F.mse_loss(d(real), torch.ones(shape))  # doctor: mse-target
        d_loss = d_loss + F.mse_loss(d(fake.detach()), torch.zeros(shape))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = F.mse_loss(d(fake), torch.ones(32, 1))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()


def generator_loss_order(stale_output: bool, steps: int = 3) -> None:
    """The G loss from a D output computed before opt_d.step() (the crash), or recomputed after it."""
    torch.manual_seed(0)
    g = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 64), nn.Tanh())
    d = nn.Sequential(nn.Linear(64, 64), nn.LeakyReLU(0.2), nn.Linear(64, 1))
    opt_g, opt_d = torch.optim.Adam(g.parameters(), 2e-4), torch.optim.Adam(d.parameters(), 2e-4)
    for _ in range(steps):
        real, fake = _batch(), g(torch.randn(32, 16))
        scored = d(fake)
        d_loss = F.softplus(-d(real)).mean() + F.softplus(scored).mean()
        opt_d.zero_grad()
        d_loss.backward(retain_graph=True)
        opt_d.step()  # doctor: d-step
        g_loss = F.softplus(-(scored if stale_output else d(fake))).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()


def wgan_critic_loop(reuse_fake: bool, steps: int = 2) -> None:
    """A WGAN loop with 3 critic iterations; the bug: the G step reuses the last critic iteration's fake,
    whose graph the critic's backward freed (no detach in the critic loss)."""
    torch.manual_seed(0)
    g = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 64), nn.Tanh())
    critic = nn.Sequential(nn.Linear(64, 64), nn.LeakyReLU(0.2), nn.Linear(64, 1))
    opt_g, opt_c = torch.optim.RMSprop(g.parameters(), 5e-5), torch.optim.RMSprop(critic.parameters(), 5e-5)
    for _ in range(steps):
        for _ in range(3):
            fake = g(torch.randn(32, 16))  # doctor: critic-fake
            c_loss = critic(fake if reuse_fake else fake.detach()).mean() - critic(_batch()).mean()
            opt_c.zero_grad()
            c_loss.backward()
            opt_c.step()
            for p in critic.parameters():
                p.data.clamp_(-0.01, 0.01)
        scored = fake if reuse_fake else g(torch.randn(32, 16))
        g_loss = -critic(scored).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()


def wgan_gp(flatten: bool = True, create_graph: bool = True, steps: int = 2, alpha: str = "sample",
            add_penalty: bool = True, norm: str = "", mark_input: bool = True) -> None:
    """WGAN-GP on (B, 1, 8, 8) digits; the bugs: the norm over dim 1 of the unflattened gradient,
    torch.autograd.grad without create_graph, alpha drawn per element ("element"), the penalty left out
    of the loss, and BatchNorm in the critic (``norm="batch"``; "layer" is the correct twin).
    ``alpha="expanded"`` draws (B, 1) and expands it to the image's shape: per sample, and correct."""
    torch.manual_seed(0)
    g = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 64), nn.Tanh(), nn.Unflatten(1, (1, 8, 8)))
    layers: list[nn.Module] = [nn.Conv2d(1, 8, 3, 2, 1)]
    if norm == "batch":
        layers.append(nn.BatchNorm2d(8))  # doctor: critic-bn
    elif norm == "layer":
        layers.append(nn.LayerNorm([8, 4, 4]))
    critic = nn.Sequential(*layers, nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(128, 1))
    opt_g = torch.optim.Adam(g.parameters(), 1e-4, betas=(0.5, 0.9))
    opt_c = torch.optim.Adam(critic.parameters(), 1e-4, betas=(0.5, 0.9))
    for _ in range(steps):
        for _ in range(3):
            real, fake = _batch().view(-1, 1, 8, 8), g(torch.randn(32, 16)).detach()
            if alpha == "element":
                eps = torch.rand_like(real)  # doctor: gp-alpha
            elif alpha == "expanded":
                eps = torch.rand(32, 1).expand(32, 64).contiguous().view(32, 1, 8, 8)
            else:
                eps = torch.rand(32, 1, 1, 1)
            mixed = (eps * real + (1 - eps) * fake).requires_grad_(mark_input)  # doctor: gp-mix
            score = critic(mixed).sum()
            grads = torch.autograd.grad(score, mixed, create_graph=create_graph)[0]  # doctor: gp-grad
            norms = grads.view(32, -1).norm(2, dim=1) if flatten else grads.norm(2, dim=1)  # doctor: gp-norm
            penalty = ((norms - 1) ** 2).mean()
            c_loss = critic(fake).mean() - critic(real).mean() + (10 * penalty if add_penalty else 0)
            opt_c.zero_grad()
            c_loss.backward()
            opt_c.step()
        g_loss = -critic(g(torch.randn(32, 16))).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()


def batchnorm_init(gamma_mean: float, steps: int = 2) -> None:
    """A DCGAN-style weights_init; the bug: BatchNorm weights drawn from N(0, 0.02) like the convs'."""
    torch.manual_seed(0)
    g = nn.Sequential(nn.Linear(16, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Linear(64, 64), nn.BatchNorm1d(64),
                      nn.ReLU(), nn.Linear(64, 64), nn.Tanh())
    d = nn.Sequential(nn.Linear(64, 64), nn.LeakyReLU(0.2), nn.Linear(64, 1))
    for m in g.modules():
        if isinstance(m, nn.BatchNorm1d):
            nn.init.normal_(m.weight, gamma_mean, 0.02)  # doctor: bn-init
            nn.init.zeros_(m.bias)
    opt_g, opt_d = torch.optim.Adam(g.parameters(), 2e-4), torch.optim.Adam(d.parameters(), 2e-4)
    for _ in range(steps):
        fake = g(torch.randn(32, 16))
        d_loss = F.softplus(-d(_batch())).mean() + F.softplus(d(fake.detach())).mean()
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = F.softplus(-d(fake)).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()


def wasserstein_signs(critic_loss: str, generator_loss: str, steps: int = 3) -> None:
    """A weight-clipped WGAN whose losses are written out: "standard" (critic minimizes D(fake) - D(real),
    G minimizes -D(fake)), "flipped" (both conventions reversed: correct), or one of the sign bugs."""
    torch.manual_seed(0)
    g = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 64), nn.Tanh())
    critic = nn.Sequential(nn.Linear(64, 64), nn.LeakyReLU(0.2), nn.Linear(64, 1))
    opt_g, opt_c = torch.optim.RMSprop(g.parameters(), 5e-5), torch.optim.RMSprop(critic.parameters(), 5e-5)
    for _ in range(steps):
        real, fake = _batch(), g(torch.randn(32, 16)).detach()
        if critic_loss == "standard":
            c_loss = critic(fake).mean() - critic(real).mean()
        elif critic_loss == "flipped":
            c_loss = critic(real).mean() - critic(fake).mean()
        else:  # the misplaced parenthesis: both terms under one minus
            c_loss = -(critic(real).mean() + critic(fake).mean())  # doctor: one-minus
        opt_c.zero_grad()
        c_loss.backward()
        opt_c.step()
        for p in critic.parameters():
            p.data.clamp_(-0.01, 0.01)
        scored = critic(g(torch.randn(32, 16)))
        g_loss = -scored.mean() if generator_loss == "standard" else scored.mean()  # doctor: g-sign
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()


def wgan(constraint: str, steps: int = 3) -> None:
    """A WGAN with 2 critic iterations; ``constraint`` is "clip" (after each critic step: correct),
    "spectral" (spectral-norm layers: correct), "r1" (a penalty on the reals: correct), or the bugs
    "none" and "clip-early" (clipped before the step, so each forward uses unclipped weights)."""
    torch.manual_seed(0)
    g = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 64), nn.Tanh())
    if constraint == "spectral":
        sn = nn.utils.parametrizations.spectral_norm
        critic = nn.Sequential(sn(nn.Linear(64, 64)), nn.LeakyReLU(0.2), sn(nn.Linear(64, 1)))
    else:
        critic = nn.Sequential(nn.Linear(64, 64), nn.LeakyReLU(0.2), nn.Linear(64, 1))
    opt_g, opt_c = torch.optim.RMSprop(g.parameters(), 5e-5), torch.optim.RMSprop(critic.parameters(), 5e-5)
    for _ in range(steps):
        for _ in range(2):
            real, fake = _batch().requires_grad_(constraint == "r1"), g(torch.randn(32, 16)).detach()
            d_real = critic(real)
            c_loss = critic(fake).mean() - d_real.mean()  # doctor: critic-loss
            if constraint == "r1":
                grad, = torch.autograd.grad(d_real.sum(), real, create_graph=True)
                c_loss = c_loss + 5 * grad.pow(2).sum(1).mean()
            opt_c.zero_grad()
            c_loss.backward()
            if constraint == "clip-early":
                for p in critic.parameters():
                    p.data.clamp_(-0.01, 0.01)  # doctor: clip-early
            opt_c.step()
            if constraint == "clip":
                for p in critic.parameters():
                    p.data.clamp_(-0.01, 0.01)
        g_loss = -critic(g(torch.randn(32, 16))).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()


class _ConditionalG(nn.Module):
    def __init__(self, use_labels: bool) -> None:
        super().__init__()
        self.use_labels = use_labels
        self.embed = nn.Embedding(10, 10)
        self.net = nn.Sequential(nn.Linear(26, 64), nn.ReLU(), nn.Linear(64, 64), nn.Tanh())

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        cond = self.embed(labels) if self.use_labels else torch.zeros(z.size(0), 10)
        return self.net(torch.cat([z, cond], 1))


class _ConditionalD(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(10, 10)
        self.net = nn.Sequential(nn.Linear(74, 64), nn.LeakyReLU(0.2), nn.Linear(64, 1))

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([x, self.embed(labels)], 1))


def conditional(use_labels: bool, steps: int = 3) -> None:
    """A cGAN on digits with their classes; the bug: G's forward never reads the labels it is given."""
    from sklearn.datasets import load_digits

    torch.manual_seed(0)
    data = load_digits()
    images = torch.tensor(data.data / 8.0 - 1.0, dtype=torch.float32)
    classes = torch.tensor(data.target)
    g, d = _ConditionalG(use_labels), _ConditionalD()
    opt_g, opt_d = torch.optim.Adam(g.parameters(), 2e-4), torch.optim.Adam(d.parameters(), 2e-4)
    for _ in range(steps):
        index = torch.randint(0, len(images), (32,))
        real, labels = images[index], classes[index]
        gen_labels = torch.randint(0, 10, (32,))
        fake = g(torch.randn(32, 16), gen_labels)  # doctor: g-call
        d_loss = F.softplus(-d(real, labels)).mean() + F.softplus(d(fake.detach(), gen_labels)).mean()
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = F.softplus(-d(fake, gen_labels)).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()


def bce_targets(vector_target: bool, steps: int = 3) -> None:
    """BCELoss on D's (B, 1) probabilities; the bug: a (B,) label vector (torch raises a size error)."""
    torch.manual_seed(0)
    g = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 64), nn.Tanh())
    d = nn.Sequential(nn.Linear(64, 64), nn.LeakyReLU(0.2), nn.Linear(64, 1), nn.Sigmoid())
    criterion = nn.BCELoss()
    opt_g, opt_d = torch.optim.Adam(g.parameters(), 2e-4), torch.optim.Adam(d.parameters(), 2e-4)
    shape = (32,) if vector_target else (32, 1)
    for _ in range(steps):
        fake = g(torch.randn(32, 16))
        d_loss = criterion(d(_batch()), torch.ones(shape))  # doctor: bce-target
        d_loss = d_loss + criterion(d(fake.detach()), torch.zeros(shape))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = criterion(d(fake), torch.ones(shape))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()


def two_devices(stray: bool, device: str = "meta", steps: int = 2) -> None:
    """The networks moved to ``device``; the bug: the noise made without device= (on the CPU). On a
    machine without a GPU, the meta device stands in for CUDA: torch raises the same kind of error."""
    torch.manual_seed(0)
    g = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 64), nn.Tanh()).to(device)
    d = nn.Sequential(nn.Linear(64, 64), nn.LeakyReLU(0.2), nn.Linear(64, 1)).to(device)
    opt_g, opt_d = torch.optim.Adam(g.parameters(), 2e-4), torch.optim.Adam(d.parameters(), 2e-4)
    for _ in range(steps):
        z = torch.randn(32, 16) if stray else torch.randn(32, 16, device=device)  # doctor: noise
        fake = g(z)
        d_loss = F.softplus(-d(_batch().to(device))).mean() + F.softplus(d(fake.detach())).mean()
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = F.softplus(-d(fake)).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
