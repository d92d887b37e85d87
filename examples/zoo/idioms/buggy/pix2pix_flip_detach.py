"""Idiom: pix2pix-style image-to-image GAN whose G step scores a detached G(A); only L1 reaches G.

A is an 8x8 digit, B is the same digit mirrored left-right. G takes A (no noise vector), D is
conditional and sees the pair: ``D(cat([A, B]))`` for real pairs, ``D(cat([A, G(A)]))`` for fakes.
PatchGAN logits, BCEWithLogitsLoss for the adversarial part plus lambda * L1 to the target.
"""
# doctor: max-steps 20
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

imgs = torch.tensor(load_digits().images, dtype=torch.float32).unsqueeze(1) / 8.0 - 1.0  # N,1,8,8
pairs = TensorDataset(imgs, torch.flip(imgs, dims=[3]))
loader = DataLoader(pairs, batch_size=32, shuffle=True, drop_last=True)
torch.manual_seed(0)


class UNetish(nn.Module):
    """8x8 -> 4x4 -> 2x2 -> 4x4 -> 8x8 with one skip connection."""

    def __init__(self, ch=32):
        super().__init__()
        self.down1 = nn.Sequential(nn.Conv2d(1, ch, 4, 2, 1), nn.LeakyReLU(0.2))
        self.down2 = nn.Sequential(nn.Conv2d(ch, ch * 2, 4, 2, 1), nn.BatchNorm2d(ch * 2), nn.LeakyReLU(0.2))
        self.up1 = nn.Sequential(nn.ConvTranspose2d(ch * 2, ch, 4, 2, 1), nn.BatchNorm2d(ch), nn.ReLU())
        self.up2 = nn.Sequential(nn.ConvTranspose2d(ch * 2, 1, 4, 2, 1), nn.Tanh())

    def forward(self, a):
        d1 = self.down1(a)
        d2 = self.down2(d1)
        u1 = self.up1(d2)
        return self.up2(torch.cat([u1, d1], dim=1))


class PatchDisc(nn.Module):
    def __init__(self, ch=32):
        super().__init__()
        self.model = nn.Sequential(
            nn.Conv2d(2, ch, 3, 1, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(ch, ch * 2, 4, 2, 1), nn.BatchNorm2d(ch * 2), nn.LeakyReLU(0.2),
            nn.Conv2d(ch * 2, 1, 3, 1, 1),  # 4x4 patch of logits
        )

    def forward(self, pair):
        return self.model(pair)


translator, judge = UNetish(), PatchDisc()
adv_loss, rec_loss, lambda_l1 = nn.BCEWithLogitsLoss(), nn.L1Loss(), 100.0
opt_t = torch.optim.Adam(translator.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_j = torch.optim.Adam(judge.parameters(), lr=2e-4, betas=(0.5, 0.999))

for epoch in range(15):
    for real_A, real_B in loader:
        fake_B = translator(real_A)

        # discriminator: real pair vs generated pair
        opt_j.zero_grad()
        pred_real = judge(torch.cat([real_A, real_B], 1))
        pred_fake = judge(torch.cat([real_A, fake_B.detach()], 1))
        loss_j = 0.5 * (adv_loss(pred_real, torch.ones_like(pred_real)) +
                        adv_loss(pred_fake, torch.zeros_like(pred_fake)))
        loss_j.backward()
        opt_j.step()

        # generator: fool the judge and stay close to the target
        opt_t.zero_grad()
        pred_fake = judge(torch.cat([real_A, fake_B.detach()], 1))  # doctor: expect generator-no-gradient
        loss_t_gan = adv_loss(pred_fake, torch.ones_like(pred_fake))
        loss_t_l1 = rec_loss(fake_B, real_B) * lambda_l1
        loss_t = loss_t_gan + loss_t_l1
        loss_t.backward()
        opt_t.step()
    if epoch % 3 == 0:
        print(f"epoch {epoch:2d}  D {loss_j.item():.3f}  G_gan {loss_t_gan.item():.3f}  "
              f"G_L1 {loss_t_l1.item() / lambda_l1:.3f}")
