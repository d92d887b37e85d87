"""Idiom: a LightningModule GAN with manual optimization, following Lightning's documented pattern.

``self.automatic_optimization = False``; in ``training_step``: ``opt_g, opt_d = self.optimizers()``,
``self.toggle_optimizer(opt)`` / ``self.manual_backward(loss)`` / ``opt.step()`` / ``opt.zero_grad()`` /
``self.untoggle_optimizer(opt)`` for each network, ``self.log_dict(..., prog_bar=True)``; trained by
``L.Trainer(...).fit`` on a DataLoader of digits, on the CPU.
"""
# doctor: max-steps 300
# doctor: needs lightning
import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset


class DigitsGAN(L.LightningModule):
    def __init__(self, latent_dim: int = 32, lr: float = 2e-4):
        super().__init__()
        self.save_hyperparameters()
        self.automatic_optimization = False
        self.generator = nn.Sequential(nn.Linear(latent_dim, 128), nn.BatchNorm1d(128), nn.ReLU(),
                                       nn.Linear(128, 128), nn.BatchNorm1d(128), nn.ReLU(),
                                       nn.Linear(128, 64), nn.Tanh())
        self.discriminator = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2),
                                           nn.Linear(128, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1))

    def forward(self, z):
        return self.generator(z)

    def adversarial_loss(self, y_hat, y):
        return F.binary_cross_entropy_with_logits(y_hat, y)

    def training_step(self, batch, batch_idx):
        (imgs,) = batch
        opt_g, opt_d = self.optimizers()
        z = torch.randn(imgs.size(0), self.hparams.latent_dim).type_as(imgs)

        # train generator
        self.toggle_optimizer(opt_g)
        self.generated_imgs = self(z)
        valid = torch.ones(imgs.size(0), 1).type_as(imgs)
        g_loss = self.adversarial_loss(self.discriminator(self.generated_imgs), valid)
        self.manual_backward(g_loss)
        opt_g.step()
        opt_g.zero_grad()
        self.untoggle_optimizer(opt_g)

        # train discriminator
        self.toggle_optimizer(opt_d)
        fake = torch.zeros(imgs.size(0), 1).type_as(imgs)
        real_loss = self.adversarial_loss(self.discriminator(imgs), valid)
        fake_loss = self.adversarial_loss(self.discriminator(self.generated_imgs.detach()), fake)
        d_loss = (real_loss + fake_loss) / 2
        self.manual_backward(d_loss)
        opt_d.step()
        opt_d.zero_grad()
        self.untoggle_optimizer(opt_d)

        self.log_dict({"g_loss": g_loss, "d_loss": d_loss}, prog_bar=True)

    def configure_optimizers(self):
        lr = self.hparams.lr
        opt_g = torch.optim.Adam(self.generator.parameters(), lr=lr, betas=(0.5, 0.999))
        opt_d = torch.optim.Adam(self.discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
        return [opt_g, opt_d]

    def on_train_epoch_end(self):
        if self.current_epoch % 5 == 0:
            m = self.trainer.callback_metrics
            print(f"epoch {self.current_epoch}: g_loss {m['g_loss']:.3f} d_loss {m['d_loss']:.3f}")


if __name__ == "__main__":
    torch.manual_seed(0)
    data = torch.tensor(load_digits().data, dtype=torch.float32) / 8.0 - 1.0
    loader = DataLoader(TensorDataset(data), batch_size=64, shuffle=True, drop_last=True)
    trainer = L.Trainer(max_epochs=30, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(DigitsGAN(), loader)
