"""The report's plots, drawn with matplotlib (Agg, no display) into RUN_DIR/plots/*.png.

Plot labels stay in English so that no CJK font is needed; the HTML around them is translated.
Each function returns the file it wrote, or None when the run has nothing to draw for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SEVERITY_COLORS = {"error": "#c0392b", "warning": "#e67e22", "info": "#7f8c8d"}


def _series(rows: list[dict[str, Any]], key: str) -> tuple[list[float], list[float]]:
    pairs = [(r["step"], r[key]) for r in rows if isinstance(r.get(key), int | float)]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _save(fig: plt.Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _mark_findings(ax: plt.Axes, findings: list[dict[str, Any]]) -> None:
    """A dashed vertical line at each finding's step, numbered like the findings list.

    The curves count training iterations (one per generator step); a doctor finding carries its
    iteration next to its optimizer step, so the line falls where it belongs on the curves.
    """
    for number, finding in enumerate(findings, start=1):
        step = finding.get("iteration", finding.get("step"))
        if not isinstance(step, int | float):
            continue
        color = SEVERITY_COLORS.get(finding.get("severity"), "#7f8c8d")
        ax.axvline(step, color=color, linestyle="--", linewidth=1)
        ax.annotate(
            f"#{number} {finding['id']}",
            xy=(step, 1.0),
            xycoords=("data", "axes fraction"),
            rotation=90,
            va="top",
            ha="right",
            fontsize=7,
            color=color,
        )


def plot_losses(
    metrics: list[dict[str, Any]], findings: list[dict[str, Any]], path: Path
) -> Path | None:
    steps_d, d_loss = _series(metrics, "d_loss")
    steps_g, g_loss = _series(metrics, "g_loss")
    if not d_loss and not g_loss:
        return None
    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.plot(steps_d, d_loss, label="D loss")
    ax.plot(steps_g, g_loss, label="G loss")
    _mark_findings(ax, findings)
    ax.set(xlabel="step", ylabel="loss", title="Losses (dashed: doctor findings)")
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    return _save(fig, path)


def plot_d_outputs(metrics: list[dict[str, Any]], probability: bool, path: Path) -> Path | None:
    """Mean D(real) and D(fake): probabilities on [0, 1], or raw scores when the loss has none."""
    steps_r, d_real = _series(metrics, "d_real")
    steps_f, d_fake = _series(metrics, "d_fake")
    if not d_real and not d_fake:
        return None
    raw = not probability
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.plot(steps_r, d_real, label="mean D(real)")
    ax.plot(steps_f, d_fake, label="mean D(fake)")
    ax.set(
        xlabel="step",
        ylabel="raw D output" if raw else "sigmoid(D output)",
        title="D on real vs fake" + (" (raw output)" if raw else " (probability)"),
    )
    if not raw:
        ax.set_ylim(-0.02, 1.02)
    ax.legend(loc="best")
    ax.grid(alpha=0.3)
    return _save(fig, path)


def plot_grad_norms(metrics: list[dict[str, Any]], path: Path) -> Path | None:
    """Both norms on a log scale. A norm of exactly 0 (a network that gets no gradient, the classic
    detached fake) cannot sit on a log axis, so it is drawn as crosses on the bottom edge and named
    in the legend instead of silently disappearing."""
    fig, ax = plt.subplots(figsize=(8, 3.2))
    series = {label: _series(metrics, key) for key, label in
              (("g_grad_norm", "G grad norm"), ("d_grad_norm", "D grad norm"))}
    positive_values = [v for _, values in series.values() for v in values if v > 0]
    if not any(steps for steps, _ in series.values()):
        plt.close(fig)
        return None
    floor = min(positive_values) / 10 if positive_values else 1e-3
    for (label, (steps, values)), color in zip(series.items(), ("tab:orange", "tab:blue"), strict=True):
        positive = [(s, v) for s, v in zip(steps, values, strict=True) if v > 0]
        zeros = [s for s, v in zip(steps, values, strict=True) if v <= 0]
        if positive:
            ax.plot([p[0] for p in positive], [p[1] for p in positive], label=label, color=color)
        if zeros:
            ax.plot(zeros, [floor] * len(zeros), "x", color=color, label=f"{label} = 0 (no gradient)")
    ax.set_yscale("log")
    ax.set(xlabel="step", ylabel="L2 norm (log)", title="Gradient norms")
    ax.legend(loc="best")
    ax.grid(alpha=0.3, which="both")
    return _save(fig, path)


def plot_lr_speed(metrics: list[dict[str, Any]], path: Path) -> Path | None:
    has_lr = any(k in r for r in metrics for k in ("lr_g", "lr_d"))
    steps_s, speed = _series(metrics, "img_per_s")
    if not has_lr and not speed:
        return None
    fig, (ax_lr, ax_speed) = plt.subplots(1, 2, figsize=(8, 3))
    for key, label in (("lr_g", "lr G"), ("lr_d", "lr D")):
        steps, values = _series(metrics, key)
        ax_lr.plot(steps, values, label=label)
    ax_lr.set(xlabel="step", title="Learning rates")
    ax_lr.legend(loc="best")
    ax_speed.plot(steps_s, speed, color="#16a085")
    ax_speed.set(xlabel="step", title="Images / s")
    for ax in (ax_lr, ax_speed):
        ax.grid(alpha=0.3)
    return _save(fig, path)


def plot_eval(evals: list[dict[str, Any]], path: Path) -> Path | None:
    keys = sorted(
        {k for row in evals for k, v in row.items() if k != "step" and isinstance(v, int | float)}
    )
    if not keys:
        return None
    cols = min(3, len(keys))
    rows = (len(keys) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(8, 2.6 * rows), squeeze=False)
    for ax, key in zip(axes.flat, keys, strict=False):
        steps, values = _series(evals, key)
        ax.plot(steps, values, marker="o", markersize=3)
        ax.set(title=key, xlabel="step")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(keys) :]:
        ax.axis("off")
    return _save(fig, path)
