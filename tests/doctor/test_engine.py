"""The engine: it changes nothing the script computes, cleans up, never crashes the script, finds roles."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import gandoctor
from gandoctor.doctor import checks
from gandoctor.doctor.adapters.pytorch import probe_mode
from gandoctor.doctor.checks import Check, run_checks
from gandoctor.doctor.events import Location, RunEvents
from gandoctor.doctor.findings import Finding, Text, rank

from .conftest import errors
from .tiny_gan import digits, line_of, train


def test_same_seed_same_losses_with_and_without_the_doctor():
    plain = train("", steps=12, seed=3)
    with gandoctor.watch() as doc:
        watched = train("", steps=12, seed=3)
    assert watched == plain
    assert doc.run.steps == 24 and doc.run.probe_steps < 24  # the probe ended and monitoring went on


def test_hooks_are_removed_even_when_the_code_raises():
    saved = (torch.autograd.backward, torch.optim.Optimizer.__init__, nn.Module.__init__)
    with pytest.raises(ZeroDivisionError), gandoctor.watch():
        train("", steps=1)
        raise ZeroDivisionError("in the user's code")
    assert (torch.autograd.backward, torch.optim.Optimizer.__init__, nn.Module.__init__) == saved
    assert torch._C._len_torch_function_stack() == 0


def test_the_scripts_exception_is_reported_at_its_line():
    doc = gandoctor.watch()
    with pytest.raises(ValueError), doc:
        raise ValueError("bad shape")  # doctor: raise
    found = [f for f in doc.findings if f.id == "script-error"]
    assert found and found[0].location.line == line_of("raise", sys.modules[__name__])
    assert found[0].evidence == {"type": "ValueError", "message": "bad shape"}


def test_a_tensorflow_error_is_reported_by_its_last_line():
    """TensorFlow's errors inside a tf.function start with "in user code:" and the traced frames; the error
    itself is the last line. Other messages keep their first line."""
    text = ('in user code:\n\n    File "train.py", line 80, in train_step  *\n        fake = G(z)\n\n'
            '    ValueError: Dimensions must be equal, but are 5 and 3\n')
    doc = gandoctor.watch()
    with pytest.raises(ValueError), doc:
        raise ValueError(text)
    found = [f for f in doc.findings if f.id == "script-error"]
    assert found[0].evidence["message"] == "Dimensions must be equal, but are 5 and 3"
    doc = gandoctor.watch()
    with pytest.raises(RuntimeError), doc:
        raise RuntimeError("first line\nsecond line")
    assert [f for f in doc.findings if f.id == "script-error"][0].evidence["message"] == "first line"


def test_max_steps_stops_the_block_cleanly():
    with gandoctor.watch(max_steps=5) as doc:
        train("", steps=50)
    assert doc.run.steps == 5


def test_a_failing_hook_becomes_a_warning_and_training_goes_on(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(probe_mode, "stats_of", broken)
    plain = train("", steps=3, seed=1)
    with gandoctor.watch() as doc:
        watched = train("", steps=3, seed=1)
    assert watched == plain
    internal = [f for f in doc.findings if f.id == "doctor-internal-error"]
    assert internal and internal[0].severity == "warning" and "boom" in internal[0].evidence["message"]
    assert any("broken" in frame for frame in internal[0].evidence["traceback"])  # the doctor's own frames
    assert doc.failed and not any(f.id == "script-error" for f in doc.findings)


def test_a_doctor_failure_exits_2_from_the_cli(monkeypatch, tmp_path):
    from gandoctor.cli import run as cli_run

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(probe_mode, "stats_of", broken)
    script = tmp_path / "train.py"
    script.write_text("from tests.doctor.tiny_gan import train\ntrain('', steps=3)\n")
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[2]))
    args = cli_run.add_parser(argparse.ArgumentParser().add_subparsers()).parse_args(
        ["--no-report", str(script)])
    assert cli_run.run(args) == 2


def test_a_compiled_generator_is_stepped_around():
    """Dynamo would trace the doctor's hooks; the compiled module is one opaque op instead."""
    torch.manual_seed(0)
    g, d = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 64), nn.Tanh()), nn.Linear(64, 1)
    data = digits()
    with gandoctor.watch() as doc:
        compiled = torch.compile(g, backend="eager")
        opt_g, opt_d = torch.optim.Adam(g.parameters(), 1e-3), torch.optim.Adam(d.parameters(), 1e-3)
        for _ in range(4):
            fake = compiled(torch.randn(32, 16))
            real = data[torch.randint(0, len(data), (32,))]
            d_loss = F.softplus(-d(real)).mean() + F.softplus(d(fake.detach())).mean()
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
            g_loss = F.softplus(-d(fake)).mean()
            opt_g.zero_grad()
            g_loss.backward()
            opt_g.step()
    ids = [f.id for f in doc.findings]
    assert "doctor-stepped-aside" in ids and "script-error" not in ids, doc.report()
    assert doc.run.roles.known and errors(doc) == [], doc.report()


def test_a_failing_check_becomes_a_warning(monkeypatch):
    def detect(run: RunEvents) -> list[Finding]:
        raise KeyError("missing")

    text = {"en": Text("s", "e", "f")}
    broken = Check("broken-check", "error", frozenset(), text, detect, "test")
    monkeypatch.setattr(checks, "_CHECKS", [*checks.all_checks(), broken])
    found, _ = run_checks(RunEvents())
    assert [f.id for f in found] == ["doctor-internal-error"]
    assert found[0].evidence["where"] == "broken-check"


def test_ranking_demotes_explained_symptoms_and_orders_by_priority():
    symptom = Finding("discriminator-overpowering", "error", 1, None)
    cause = Finding("generator-no-gradient", "error", 2, Location("x.py", 3))
    other = Finding("linear-without-activation", "error", 0, None)
    ranked = rank([symptom, other, cause], {"generator-no-gradient": {"discriminator-overpowering"}},
                  {"generator-no-gradient": 20, "linear-without-activation": 60})
    assert [f.id for f in ranked] == ["generator-no-gradient", "linear-without-activation",
                                      "discriminator-overpowering"]
    assert ranked[-1].severity == "info" and ranked[-1].explained_by == "generator-no-gradient"


def _raw_tensor_gan(detach_in_g_step: bool) -> None:
    """A GAN with no nn.Module at all: parameters are plain tensors held by the optimizers."""
    torch.manual_seed(0)
    data = digits()
    wg = (torch.randn(16, 64) * 0.1).requires_grad_()
    wd = (torch.randn(64, 1) * 0.1).requires_grad_()
    opt_g, opt_d = torch.optim.Adam([wg], lr=1e-3), torch.optim.Adam([wd], lr=1e-3)
    for _ in range(4):
        real = data[torch.randint(0, len(data), (32,))]
        fake = torch.tanh(torch.randn(32, 16) @ wg)
        d_loss = (F.softplus(-(real @ wd)) + F.softplus(fake.detach() @ wd)).mean()
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        scored = fake.detach() if detach_in_g_step else fake  # doctor: raw-detach
        g_loss = F.softplus(-(scored @ wd)).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()


def test_roles_from_data_flow_with_raw_tensors():
    with gandoctor.watch() as doc:
        _raw_tensor_gan(detach_in_g_step=False)
    assert doc.run.roles.known, doc.run.roles.reason
    assert doc.run.roles.optimizers == {0: "generator", 1: "discriminator"}
    assert errors(doc) == []
    with gandoctor.watch() as doc:
        _raw_tensor_gan(detach_in_g_step=True)
    found = errors(doc)[0]
    assert found.id == "generator-no-gradient"
    assert found.location.line == line_of("raw-detach", sys.modules[__name__])


def test_named_roles_and_unknown_roles():
    g, d = nn.Linear(4, 8), nn.Linear(8, 1)
    with gandoctor.watch(generator=g, discriminator=d) as doc:
        opt = torch.optim.SGD(d.parameters(), lr=0.1)
        for _ in range(3):
            opt.zero_grad()
            d(g(torch.ones(2, 4)).detach()).mean().backward()
            opt.step()
    assert doc.run.roles.known and doc.run.roles.reason == "named by the user"

    net = nn.Linear(3, 1)  # plain regression: no noise, no generator
    with gandoctor.watch() as doc:
        opt = torch.optim.SGD(net.parameters(), lr=0.1)
        for _ in range(3):
            opt.zero_grad()
            ((net(torch.ones(5, 3)) - 1) ** 2).mean().backward()
            opt.step()
    assert [f.id for f in doc.findings] == ["roles-unknown"]
    unknown = doc.findings[0]
    assert unknown.severity == "warning"  # visible: the run was not fully checked
    assert "generator-no-gradient" in unknown.evidence["skipped"]
    assert "missing-zero-grad" not in unknown.evidence["skipped"]  # role-free checks still ran
    assert "No problems found" not in doc.report()


def test_json_and_chinese_report(diagnose):
    doc = diagnose("detach")
    data = doc.to_json()
    assert data["version"] == 1 and data["steps"] == doc.run.steps
    first = data["findings"][0]
    assert set(first) >= {"id", "severity", "step", "location", "summary", "evidence", "fix"}
    assert first["location"]["line"] == line_of("detach")
    assert "生成器" in doc.report("zh")


def test_the_fix_is_written_in_the_scripts_framework():
    """A finding of a TensorFlow run shows its TensorFlow fix, in the text and in findings.json's words
    for every language; a torch run keeps torch's."""
    from gandoctor.doctor.events import Location

    torch_run = Finding("linear-without-activation", "error", 0, Location("a.py", 3),
                        {"first_op": "linear", "second_op": "linear", "unit": "G"})
    tf_run = Finding("linear-without-activation", "error", 0, Location("a.py", 3),
                     {"first_op": "MatMul", "second_op": "MatMul", "unit": "G"}, framework="tensorflow")
    assert "nn.ReLU()" in torch_run.text("en").fix
    assert "tf.nn.relu" in tf_run.text("en").fix and "tf.nn.relu" in tf_run.text("zh").fix
    words = tf_run.to_json("en")["words"]
    assert all("tf.nn.relu" in words[lang]["fix"] for lang in ("en", "zh"))
    # an id with no TensorFlow wording falls back to its general fix
    other = Finding("missing-zero-grad", "error", 0, None, {}, framework="tensorflow")
    assert other.text("en").fix == Finding("missing-zero-grad", "error", 0, None, {}).text("en").fix
