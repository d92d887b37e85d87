"""The run report: PNG plots under RUN_DIR/plots/ and a self-contained report.html / report.zh.html.

`write_report(run_dir)` works with any subset of the run files (a training run, a doctor run with
only findings.json, a run killed half-way), so `train`, `run` and `gandoctor report` all call it.
"""

from __future__ import annotations

from pathlib import Path

from gandoctor.files import write_atomic
from gandoctor.report.html import render_html
from gandoctor.report.plots import plot_d_outputs, plot_eval, plot_grad_norms, plot_losses, plot_lr_speed
from gandoctor.report.run_files import read_run

LANGS = ("en", "zh")


def write_plots(run_dir: Path) -> dict[str, Path | None]:
    run = read_run(run_dir)
    out = run_dir / "plots"
    # a training run's config says how D's outputs were logged; a doctor run logs only probabilities
    probability = (run.config or {}).get("d_output", "probability") == "probability"
    return {
        "losses": plot_losses(run.metrics, run.findings, out / "losses.png"),
        "d_outputs": plot_d_outputs(run.metrics, probability, out / "d_outputs.png"),
        "grad_norms": plot_grad_norms(run.metrics, out / "grad_norms.png"),
        "lr_speed": plot_lr_speed(run.metrics, out / "lr_speed.png"),
        "metrics": plot_eval(run.evals, out / "metrics.png"),
    }


def write_report(run_dir: Path | str, lang: str = "both") -> list[Path]:
    """Write plots and the HTML report(s); returns the HTML files written ("both", "en" or "zh")."""
    run_dir = Path(run_dir)
    if lang not in (*LANGS, "both"):
        raise ValueError(f"lang must be en, zh or both, not {lang!r}")
    plots = write_plots(run_dir)
    run = read_run(run_dir)
    written = []
    for code in LANGS if lang == "both" else (lang,):
        path = run_dir / ("report.html" if code == "en" else f"report.{code}.html")
        write_atomic(path, render_html(run, plots, code))
        written.append(path)
    return written


__all__ = ["write_report", "write_plots"]
