"""`gandoctor demo` trains the corrected GAN, then shows the doctor on report 1's detached fake."""

from __future__ import annotations

import json

from gandoctor.cli import main


def test_demo_trains_then_diagnoses_the_founding_bug(tmp_path, capsys):
    assert main(["demo", "--steps", "60", "--bug-steps", "60", "--runs", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "demo" / "samples" / "step_000060.png").exists()
    assert str(tmp_path / "demo" / "loss.png") in out
    assert (tmp_path / "demo" / "report.html").exists()
    findings = json.loads((tmp_path / "demo-detach-generator" / "findings.json").read_text())["findings"]
    assert findings and findings[0]["id"] == "generator-no-gradient", findings[:1]
    assert "generator-no-gradient" in out
