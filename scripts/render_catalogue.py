"""Render docs/catalogue.md, the list of finding ids, from the check modules themselves.

Run: .venv/bin/python scripts/render_catalogue.py          (rewrites docs/catalogue.md)
     .venv/bin/python scripts/render_catalogue.py --check  (exit 1 when the file is out of date)

Each entry comes from one module in ``gandoctor/doctor/checks``: its docstring's first line (what it
detects), severity, the symptoms it explains, the English and Chinese words, and the zoo scripts that
test it (``# doctor: expect <id>`` in ``examples/zoo/buggy``). Keeping the text in the modules means the
catalogue cannot drift from what the doctor prints.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

from gandoctor.doctor.checks import all_checks

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "catalogue.md"
_EXPECT = re.compile(r"#\s*doctor:\s*expect(?:-warning)?\s+([a-z0-9-]+)")


# Bug patterns from public issue threads with a confirmed root cause: (pattern, finding id or None,
# why a run-time doctor cannot cover it when the id is None).
COVERAGE: list[tuple[str, str | None, str]] = [
    ("detach of the fake in the generator step / G run under no_grad", "generator-no-gradient", ""),
    ("images in [0, 1] (ToTensor without Normalize) or [0, 255] against a tanh G", "data-range-mismatch", ""),
    ("sigmoid before BCEWithLogitsLoss", "sigmoid-before-logits-loss", ""),
    ("BCELoss on raw logits", "probability-loss-on-logits", ""),
    ("no activation between layers", "linear-without-activation", ""),
    ("N(0, 1) weights saturating the units", "saturated-initialization", ""),
    ("missing zero_grad", "missing-zero-grad", ""),
    ("D frozen with requires_grad=False and never unfrozen", "discriminator-frozen", ""),
    ("G's loss backpropagated into D's step", "discriminator-updated-by-generator-loss", ""),
    ("an optimizer over the wrong or both networks", "optimizer-wrong-parameters", ""),
    ("an optimizer that never steps, or whose parameters never get a gradient", "optimizer-never-steps", ""),
    ("swapped or equal real/fake labels", "label-mismatch", ""),
    ("minimax (saturating) generator loss", "saturating-generator-loss", ""),
    ("the same real batch or noise every step", "repeated-real-batch", ""),
    ("NaN from log without epsilon, lr too high", "non-finite-loss", ""),
    ("gradient penalty over the wrong axis (norm over dim 1 of a 4-D gradient)",
     "gradient-penalty-wrong-axis", ""),
    ("gradient penalty without create_graph", "gradient-penalty-without-graph", ""),
    ("backward after the weights changed (inplace-modified error)", "backward-after-step", ""),
    ("stale fake: backward through the graph a second time", "stale-fake-graph", ""),
    ("WGAN sign errors (critic and G not opposed, misplaced parenthesis)", "objectives-not-opposed", ""),
    ("softmax before CrossEntropyLoss in an auxiliary head", "softmax-before-cross-entropy", ""),
    ("least squares on a sigmoid D", "least-squares-on-sigmoid", ""),
    ("BatchNorm weights initialised near 0 by a DCGAN weights_init", "norm-scale-near-zero", ""),
    ("mse/l1 target (B,) against an output (B, 1)", "loss-target-shape-mismatch", ""),
    ("unconstrained critic (Wasserstein loss, no GP, no spectral norm, no clipping)", "unconstrained-critic",
     ""),
    ("weight clipping before the critic's step(), or once per epoch", "unconstrained-critic", ""),
    ("gradient penalty computed but never added to the loss", "gradient-penalty-unused", ""),
    ("GP interpolates that do not require grad (crash in autograd.grad)",
     "gradient-penalty-input-without-grad", ""),
    ("GP interpolation weight alpha drawn per element instead of per sample",
     "gradient-penalty-alpha-per-element", ""),
    ("conditioning that does not reach G (labels passed to G and never read)", "conditioning-ignored", ""),
    ("constant labels fed to a conditional G", None,
     "not yet: a fixed class per batch is also how sample grids are drawn; needs a rule to tell them apart"),
    ("label embedding detached inside G", None,
     "not an error: the fixed embedding still conditions G; the embedding just does not learn"),
    ("BatchNorm in a gradient-penalty critic", "batch-norm-in-penalized-critic", "a warning"),
    ("BCELoss target size differs from the input size (crash)", "loss-target-shape-mismatch", ""),
    ("BCELoss on values outside [0, 1] (crash)", "probability-loss-on-logits", ""),
    ("a loss with no grad_fn because the fake was detached (crash)", "generator-no-gradient", ""),
    ("device mismatch between G's output (or the noise) and D", "device-mismatch",
     "tested with the meta device standing in for CUDA: no GPU on the test machine"),
    ("TF1: tf.Variable under variable_scope(reuse=True) builds an untrained copy of D",
     "untrained-network-copy", ""),
    ("TF1: tf.global_variables_initializer() run inside the training loop", "variables-reinitialized", ""),
    ("TF1: tf.stop_gradient on the fake in G's loss (\"No gradients provided\" crash)",
     "generator-no-gradient", ""),
    ("TF1: sess.run(G) fetched and fed back through a placeholder into G's loss", None,
     "not yet: the graph cannot show where a fed array came from; the crash is reported as is"),
    ("Keras 3: D.trainable = False before D's first train_on_batch (D never trains)",
     "train-step-updates-nothing", ""),
    ("Keras: D never frozen, so the combined model's step trains D too",
     "generator-step-updates-discriminator", ""),
    ("a dataset path or download error", None, "not a GAN bug: the script's own error is reported as is"),
    ("too few epochs / expecting results too early", None, "not a defect in the code"),
]


def zoo_scripts_by_id() -> dict[str, list[str]]:
    """Buggy zoo scripts of every section, as ``section/buggy/name.py`` (core: ``buggy/name.py``)."""
    zoo = REPO / "examples" / "zoo"
    found: dict[str, list[str]] = {}
    for path in sorted(zoo.rglob("buggy/*.py")):
        for match in _EXPECT.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(1), []).append(path.relative_to(zoo).as_posix())
    return found


def render() -> str:
    zoo = zoo_scripts_by_id()
    checks = all_checks()
    lines = [
        "# The doctor's catalogue",
        "",
        "Generated by `scripts/render_catalogue.py` from the check modules in",
        "`src/gandoctor/doctor/checks/`; edit the modules, not this file. Findings are ranked root cause",
        "first: an id listed under *explains* is demoted to `info` when its cause is present. `{names}` in",
        "the words are filled from the finding's evidence.",
        "",
        "| id | severity | detects | zoo scripts |",
        "|---|---|---|---|",
    ]
    for check in checks:
        doc = (importlib.import_module(check.module).__doc__ or "").strip().splitlines()
        what = doc[0].split(":", 1)[-1].strip() if doc else ""
        count = len(zoo.get(check.id, []))
        lines.append(f"| [`{check.id}`](#{check.id}) | {check.severity} | {what} | {count} |")
    for check in checks:
        en, zh = check.text["en"], check.text.get("zh")
        lines += ["", f"## {check.id}", "", f"Severity: **{check.severity}**."]
        if check.explains:
            lines.append(f"Explains: {', '.join(f'`{i}`' for i in sorted(check.explains))}.")
        lines += ["", f"- Says: {en.summary}", f"- Why it matters: {en.explanation}", f"- Fix: {en.fix}"]
        lines += [f"- Fix in {framework}: {fix}" for framework, fix in sorted(en.fix_for.items())]
        if zh:
            lines += [f"- 中文: {zh.summary}", f"- 修复: {zh.fix}"]
        scripts = zoo.get(check.id, [])
        if scripts:
            lines.append(f"- Zoo: {', '.join(f'`{s}`' for s in scripts)}")
    lines += ["", "## Coverage of the bugs users report", "",
              "Patterns from public issue threads with a confirmed root cause, and the id that finds each.",
              "",
              "| pattern | finding | note |", "|---|---|---|"]
    known = {c.id for c in checks}
    for pattern, finding_id, why in COVERAGE:
        if finding_id is not None and finding_id not in known:
            raise SystemExit(f"COVERAGE names an unknown id: {finding_id}")
        lines.append(f"| {pattern} | {f'`{finding_id}`' if finding_id else 'not covered'} | {why} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is out of date: run python scripts/render_catalogue.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(all_checks())} finding ids)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
