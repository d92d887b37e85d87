"""TensorFlow's adapter loads only when the script imports TensorFlow: a torch user never pays its import,
and a TensorFlow script gets it without asking."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from .framework_runs import doctor_json, needs_tensorflow

TORCH_SCRIPT = """
import sys
import torch
from torch import nn
g, d = nn.Linear(4, 8), nn.Linear(8, 1)
opt_g, opt_d = torch.optim.Adam(g.parameters()), torch.optim.Adam(d.parameters())
real = torch.randn(16, 8)
for _ in range(4):
    opt_d.zero_grad()
    (d(real).mean() - d(g(torch.randn(16, 4)).detach()).mean()).backward()
    opt_d.step()
    opt_g.zero_grad()
    (-d(g(torch.randn(16, 4))).mean()).backward()
    opt_g.step()
print("imported:", sorted(m for m in ("tensorflow", "keras") if m in sys.modules))
"""


def test_a_torch_script_never_imports_tensorflow(tmp_path: Path) -> None:
    script = tmp_path / "torch_gan.py"
    script.write_text(TORCH_SCRIPT, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "gandoctor", "run", "--no-report", str(script)],
                          capture_output=True, text=True, timeout=300)
    assert "imported: []" in done.stdout, done.stdout + done.stderr[-2000:]


def test_a_tensorflow_script_gets_its_adapter(tmp_path: Path) -> None:
    needs_tensorflow()
    script = tmp_path / "tf1_steps.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
        x = tf.placeholder(tf.float32, [None, 3])
        w = tf.get_variable("w", [3, 1])
        train = tf.train.AdamOptimizer(0.01).minimize(tf.reduce_mean(tf.square(tf.matmul(x, w))))
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        for _ in range(50):
            sess.run(train, {x: np.ones((2, 3))})
    """), encoding="utf-8")
    doc = doctor_json(script, 7, tmp_path)
    assert doc["steps"] == 7  # the adapter counted the Session.run steps and stopped at --max-steps


def test_gandoctor_imported_after_tensorflow(tmp_path: Path) -> None:
    """A notebook that imported TensorFlow first: attaching the doctor must not load native libraries
    that clash with it (torch.compile's triton did: a segmentation fault)."""
    needs_tensorflow()
    code = "import tensorflow, gandoctor\nwith gandoctor.watch():\n    pass\nprint('attached')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "attached" in done.stdout, done.stderr[-2000:]
