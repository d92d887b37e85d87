"""TensorBoard logging of the same numbers, grids and findings the HTML report shows.

For people who already live in TensorBoard. The trainer creates one `TensorBoardLog(run_dir)` with
`--tensorboard` and calls it where it writes metrics.jsonl, eval.jsonl, samples and findings.json.
Events go to RUN_DIR/tensorboard/, which `tensorboard --logdir runs/` picks up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch.utils.tensorboard import SummaryWriter

from gandoctor.report.html import finding_text

SCALAR_KEYS = (
    "d_loss",
    "g_loss",
    "d_real",
    "d_fake",
    "g_grad_norm",
    "d_grad_norm",
    "lr_g",
    "lr_d",
    "img_per_s",
)


class TensorBoardLog:
    def __init__(self, run_dir: Path | str) -> None:
        self.writer = SummaryWriter(str(Path(run_dir) / "tensorboard"))

    def metrics(self, row: dict[str, Any]) -> None:
        """One metrics.jsonl row: losses, D outputs, gradient norms, learning rates, speed."""
        for key in SCALAR_KEYS:
            if isinstance(row.get(key), int | float):
                group = "train" if key in ("d_loss", "g_loss", "d_real", "d_fake") else "health"
                self.writer.add_scalar(f"{group}/{key}", row[key], row["step"])

    def evaluation(self, step: int, values: dict[str, float]) -> None:
        for key, value in values.items():
            self.writer.add_scalar(f"eval/{key}", value, step)

    def samples(self, step: int, images: torch.Tensor, nrow: int = 8) -> None:
        """A grid of generated images in [-1, 1] (N x C x H x W)."""
        from torchvision.utils import make_grid

        grid = make_grid(
            images.detach().float().cpu().clamp(-1, 1), nrow=nrow, normalize=True, value_range=(-1, 1)
        )
        self.writer.add_image("samples", grid, step)

    def findings(self, findings_doc: dict[str, Any], lang: str = "en") -> None:
        """Each finding as Markdown text at the step where it appeared."""
        for number, f in enumerate(findings_doc.get("findings") or [], start=1):
            summary, explanation, fix = finding_text(f, lang)
            loc = f.get("location") or {}
            where = f" at `{loc.get('file')}:{loc.get('line')}`" if loc.get("file") else ""
            head = f"**#{number} {f.get('severity', '')} `{f['id']}`**{where}"
            text = f"{head}\n\n{summary}\n\n{explanation}\n\nfix: {fix}"
            self.writer.add_text("doctor/findings", text, int(f.get("step") or 0))

    def close(self) -> None:
        self.writer.close()
