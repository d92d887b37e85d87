"""`gandoctor run` end to end in a subprocess: exit codes, argv and cwd as python gives them, --json."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import sys
    import torch
    from torch import nn

    assert sys.argv[1:] == ["--tag", "x"], sys.argv
    torch.manual_seed(0)
    G = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4), nn.Tanh())
    D = nn.Sequential(nn.Linear(4, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
    opt_g = torch.optim.Adam(G.parameters(), lr=1e-3)
    opt_d = torch.optim.Adam(D.parameters(), lr=1e-3)
    bce = nn.BCEWithLogitsLoss()
    data = torch.rand(256, 4) * 2 - 1
    for step in range(1000):
        real = data[torch.randint(0, 256, (32,))]
        fake = G(torch.randn(32, 8))
        opt_d.zero_grad()
        (bce(D(real), torch.ones(32, 1)) + bce(D(fake.detach()), torch.zeros(32, 1))).backward()
        opt_d.step()
        opt_g.zero_grad()
        g_loss = bce(D(fake.detach()), torch.ones(32, 1))  # the bug
        g_loss.backward()
        opt_g.step()
    """
)


def _gandoctor(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gandoctor", "run", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})


def test_buggy_script_exit_1_with_json(tmp_path: Path):
    script = tmp_path / "train_gan.py"
    script.write_text(SCRIPT)
    out = tmp_path / "findings.json"
    options = ["--max-steps", "10", "--json", str(out), "--lang", "zh"]
    result = _gandoctor(*options, "--", script.name, "--tag", "x", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "generator-no-gradient" in result.stdout and "修复" in result.stdout
    data = json.loads(out.read_text())
    assert data["version"] == 1 and data["steps"] == 10 and data["script"] == script.name
    first = data["findings"][0]
    assert first["id"] == "generator-no-gradient" and first["severity"] == "error"
    bug_line = 1 + next(i for i, text in enumerate(SCRIPT.splitlines()) if "# the bug" in text)
    assert first["location"]["line"] == bug_line and first["location"]["file"].endswith("train_gan.py")


def test_usage_errors_are_one_line_exit_2(tmp_path: Path):
    result = _gandoctor("missing.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "script not found" in result.stderr
    result = _gandoctor("--max-steps", "-1", "x.py", cwd=tmp_path)
    assert result.returncode == 2 and "max-steps" in result.stderr


ZOO = Path(__file__).resolve().parents[2] / "examples" / "zoo"


def test_run_writes_run_dir_and_report(tmp_path: Path):
    """A real zoo script (noise drawn once): findings.json, metrics.jsonl from the doctor's stats, report."""
    script = ZOO / "buggy" / "mog_fixed_noise.py"
    result = _gandoctor("--max-steps", "40", str(script), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    run_dir = tmp_path / "runs" / "doctor-mog_fixed_noise"
    assert f"report: {Path('runs') / 'doctor-mog_fixed_noise' / 'report.html'}" in result.stdout
    findings = json.loads((run_dir / "findings.json").read_text())
    assert findings["findings"][0]["id"] == "generator-input-constant" and findings["steps"] == 40
    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == list(range(1, 21))  # one line per generator step
    assert all({"d_loss", "g_loss"} <= set(r) for r in rows)
    after_probe = rows[2:]  # D's outputs are watched once the probe has found D
    assert all(0.0 < r["d_real"] < 1.0 and 0.0 < r["d_fake"] < 1.0 for r in after_probe)  # probabilities
    assert sum("g_grad_norm" in r for r in rows) >= 4
    assert rows[0]["data_min"] < -1.5 and rows[0]["data_max"] > 1.5  # the ring has radius 2
    html = (run_dir / "report.html").read_text()
    assert "generator-input-constant" in html and (run_dir / "plots" / "losses.png").is_file()


def test_report_failure_is_one_warning_and_keeps_the_exit_code(tmp_path: Path):
    script = ZOO / "correct" / "lsgan_mog.py"
    (tmp_path / "out" / "findings.json").mkdir(parents=True)  # a folder where the file must go
    result = _gandoctor("--max-steps", "8", "--run-dir", "out", str(script), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: could not write")]
    assert len(warnings) == 1 and "report:" not in result.stdout
    result = _gandoctor("--max-steps", "8", "--no-report", str(script), cwd=tmp_path)
    assert result.returncode == 0 and not (tmp_path / "runs").exists()


def test_run_dir_of_a_training_run_is_refused(tmp_path: Path):
    (tmp_path / "trained" / "config.json").parent.mkdir()
    (tmp_path / "trained" / "config.json").write_text("{}")
    result = _gandoctor("--run-dir", "trained", str(ZOO / "correct" / "lsgan_mog.py"), cwd=tmp_path)
    assert result.returncode == 2 and "config.json" in result.stderr
    assert result.stderr.strip().count("\n") == 0


UNSEEN_DATA = textwrap.dedent(
    """
    import argparse
    import torch
    from torch import nn

    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=40)
    opt = parser.parse_args()
    torch.manual_seed(0)
    netG = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))
    netD = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
    teacher = nn.Linear(4, 2).requires_grad_(False)  # "real" data from a network: no outside input to D
    opt_g = torch.optim.Adam(netG.parameters(), 1e-3)
    opt_d = torch.optim.Adam(netD.parameters(), 1e-3)
    bce = nn.BCEWithLogitsLoss()
    for i in range(opt.steps):
        real, fake = teacher(torch.randn(32, 4)), netG(torch.randn(32, 4))
        opt_d.zero_grad()
        (bce(netD(real), torch.ones(32, 1)) + bce(netD(fake.detach()), torch.zeros(32, 1))).backward()
        opt_d.step()
        opt_g.zero_grad()
        bce(netD(fake.detach()), torch.ones(32, 1)).backward()  # the bug
        opt_g.step()
    """
)


def test_roles_named_on_the_command_line(tmp_path: Path):
    script = tmp_path / "unseen.py"
    script.write_text(UNSEEN_DATA)
    out = tmp_path / "f.json"
    result = _gandoctor("--no-report", "--json", str(out), script.name, cwd=tmp_path)
    inferred = json.loads(out.read_text())
    assert not inferred["roles"]["known"]
    assert any(f["id"] == "roles-unknown" and f["severity"] == "warning" for f in inferred["findings"])
    assert "No problems found" not in result.stdout
    # the role-free check still names the optimizer that never gets a gradient, by its own name
    assert inferred["findings"][0]["id"] == "optimizer-without-gradient"
    assert "opt_g.step()" in inferred["findings"][0]["fix"]

    result = _gandoctor("--no-report", "--json", str(out), "--generator", "netG", "--discriminator", "netD",
                        script.name, cwd=tmp_path)
    named = json.loads(out.read_text())
    assert result.returncode == 1 and named["roles"]["known"], result.stdout
    assert named["findings"][0]["id"] == "generator-no-gradient"

    _gandoctor("--no-report", "--json", str(out), "--generator", "gen", "--discriminator", "netD",
               script.name, cwd=tmp_path)
    typo = json.loads(out.read_text())
    assert "NameError" in typo["roles"]["reason"] and not typo["roles"]["known"]


def test_a_script_that_exits_before_training_is_told_so(tmp_path: Path):
    script = tmp_path / "unseen.py"
    script.write_text(UNSEEN_DATA)
    result = _gandoctor("--no-report", script.name, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "usage:" in result.stdout  # the script's own help, untouched
    assert "no-optimizer-step" in result.stdout and "nothing was checked" in result.stdout
    assert "No problems found" not in result.stdout
