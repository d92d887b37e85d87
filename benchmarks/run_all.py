"""Run every benchmark in this folder, one after another, and print the ratios each one measured.

Run: .venv/bin/python benchmarks/run_all.py [--quick]   (`make bench`; --quick: fewer repetitions)

Each benchmark is a script here that measures ratios within its own run (see README.md); this runs
them in separate processes, in turn (never two timing runs at once on a shared machine), shows their
output as it comes, and ends with the lines that carry a ratio. A benchmark that fails is reported
and the others still run; the exit code says whether all of them passed.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUICK_ARGS = {"train_speed.py": ["1"], "doctor_overhead.py": ["3"], "fid_cats.py": ["200"],
              "doctor_overhead_tf.py": ["2"], "doctor_overhead_keras.py": ["2"]}


def main(quick: bool) -> int:
    scripts = sorted(p for p in HERE.glob("*.py") if p.name != Path(__file__).name)
    summary: list[str] = []
    failed: list[str] = []
    for script in scripts:
        args = QUICK_ARGS.get(script.name, []) if quick else []
        print(f"== {script.name} {' '.join(args)}".rstrip(), flush=True)
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            if re.search(r"\bratio\b", line):  # not "operations" or "iterations" in TensorFlow's logs
                summary.append(f"{script.name}: {line.strip()}")
        code = proc.wait()
        print(f"   ({time.perf_counter() - start:.0f} s, exit {code})", flush=True)
        if code != 0:
            failed.append(script.name)
    print("\n== ratios")
    print("\n".join(summary) or "(none printed)")
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(quick="--quick" in sys.argv[1:]))
