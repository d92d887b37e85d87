"""The report of a real short training run opens in headless Chromium with every image loaded.

The run is real: gandoctor's trainer on sklearn's digits with the `detach-generator` bug, so the
doctor has findings to mark, plus periodic evaluation so the metric plot exists.
The screenshot is kept as an artifact in runs/test-artifacts/report-screenshot.png.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from report_browser import check_page, find_chromium, screenshot

from gandoctor.cli import main as gandoctor_main
from gandoctor.report import write_report

ARTIFACTS = Path(__file__).resolve().parents[2] / "runs" / "test-artifacts"


@pytest.fixture(scope="module")
def buggy_run(tmp_path_factory) -> Path:
    run_dir = tmp_path_factory.mktemp("run") / "detach"
    code = gandoctor_main(
        [
            "train",
            "--data",
            "digits",
            "--steps",
            "150",
            "--log-every",
            "10",
            "--sample-every",
            "50",
            "--eval-every",
            "75",
            "--bug",
            "detach-generator",
            "--run-dir",
            str(run_dir),
            "--quiet",
        ]
    )
    assert code == 0
    return run_dir


def test_report_has_every_section_in_both_languages(buggy_run):
    en, zh = write_report(buggy_run)
    assert {p.name for p in (buggy_run / "plots").glob("*.png")} == {
        "losses.png",
        "d_outputs.png",
        "grad_norms.png",
        "lr_speed.png",
        "metrics.png",
    }
    english, chinese = en.read_text(encoding="utf-8"), zh.read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in english and '<meta charset="utf-8">' in chinese
    assert "http://" not in english and "https://" not in english  # self-contained: nothing fetched
    grids = len(list((buggy_run / "samples").glob("step_*.png")))
    assert grids == 3  # steps 50, 100, 150
    assert (
        english.count("data:image/png;base64,") == 5 + grids
    )  # all five plots and every grid, embedded
    assert "generator-no-gradient" in english and "generator-no-gradient" in chinese
    assert "诊断结果" in chinese and "梯度范数" in chinese


@pytest.mark.slow
def test_report_loads_in_headless_chromium_without_errors(buggy_run, tmp_path):
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("chromium not installed (apt-get install -y chromium)")
    for page in write_report(buggy_run):
        verdict = check_page(chromium, page, tmp_path)
        assert verdict["images"] == 5 + 3, verdict
        assert verdict["broken"] == [], verdict
        assert verdict["errors"] == [] and verdict["console"] == [], verdict
    shot = screenshot(chromium, buggy_run / "report.html", tmp_path / "report.png", tmp_path)
    assert shot.stat().st_size > 10_000  # a real rendering, not a blank page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, ARTIFACTS / "report-screenshot.png")
