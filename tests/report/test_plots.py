"""Plots that must not hide the evidence: a gradient norm of exactly 0 stays visible on the log axis."""

from __future__ import annotations

import matplotlib.image

from gandoctor.report import plots


def test_zero_generator_gradient_is_drawn_and_named(tmp_path, monkeypatch):
    legends: list[list[str]] = []
    save = plots._save

    def keep_legend(fig, path):
        legends.append([t.get_text() for ax in fig.axes for t in ax.get_legend().get_texts()])
        return save(fig, path)

    monkeypatch.setattr(plots, "_save", keep_legend)  # read the figure just before it is written
    rows = [{"step": s, "g_grad_norm": 0.0, "d_grad_norm": 3.0 / s} for s in range(10, 160, 10)]
    path = plots.plot_grad_norms(rows, tmp_path / "grad_norms.png")

    assert path is not None and matplotlib.image.imread(path).shape[0] > 0
    assert legends == [["G grad norm = 0 (no gradient)", "D grad norm"]]


def test_no_gradient_norms_means_no_plot(tmp_path):
    assert plots.plot_grad_norms([{"step": 1, "d_loss": 0.5}], tmp_path / "g.png") is None
