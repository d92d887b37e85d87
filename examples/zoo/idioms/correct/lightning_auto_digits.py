"""Idiom: a Lightning GAN that keeps automatic optimization (Lightning 2.x allows one optimizer there).

``configure_optimizers`` returns a single Adam with two parameter groups (generator, critic).
``training_step`` alternates on ``batch_idx``: even batches train the discriminator on real vs.
detached fakes, odd batches train the generator with the discriminator's ``requires_grad`` switched
off. Lightning zeroes the grads (to None) before every step, so Adam skips the group that got no
gradient and each step moves one network only.
"""
# doctor: max-steps 300
# doctor: needs lightning
import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset


class AltGAN(L.LightningModule):
    def __init__(self, z_dim=32, lr=2e-4):
        super().__init__()
        self.save_hyperparameters()
        self.gen = nn.Sequential(nn.Linear(z_dim, 128), nn.BatchNorm1d(128), nn.ReLU(),
                                 nn.Linear(128, 128), nn.BatchNorm1d(128), nn.ReLU(),
                                 nn.Linear(128, 64), nn.Tanh())
        self.critic = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Linear(128, 128),
                                    nn.LeakyReLU(0.2), nn.Linear(128, 1))

    def forward(self, z):
        return self.gen(z)

    def training_step(self, batch, batch_idx):
        x = batch[0]
        z = torch.randn(x.size(0), self.hparams.z_dim, device=self.device)
        if batch_idx % 2 == 0:  # discriminator turn
            self.critic.requires_grad_(True)
            real_logits = self.critic(x)
            fake_logits = self.critic(self(z).detach())
            loss = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits)) + \
                F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
            self.log("d_loss", loss, prog_bar=True)
        else:  # generator turn
            self.critic.requires_grad_(False)
            logits = self.critic(self(z))
            loss = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
            self.log("g_loss", loss, prog_bar=True)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam([{"params": self.gen.parameters()}, {"params": self.critic.parameters()}],
                                lr=self.hparams.lr, betas=(0.5, 0.999))

    def on_train_epoch_end(self):
        if self.current_epoch % 5 == 0:
            m = self.trainer.callback_metrics
            print(f"epoch {self.current_epoch}: d_loss {m['d_loss']:.3f} g_loss {m['g_loss']:.3f}")


if __name__ == "__main__":
    torch.manual_seed(0)
    X = torch.tensor(load_digits().data, dtype=torch.float32) / 8.0 - 1.0
    train_loader = DataLoader(TensorDataset(X), batch_size=32, shuffle=True, drop_last=True)
    trainer = L.Trainer(max_epochs=30, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(AltGAN(), train_loader)
