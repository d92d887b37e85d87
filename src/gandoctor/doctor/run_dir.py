"""The run directory of a doctor run: ``findings.json`` and ``metrics.jsonl`` (see docs/ARCHITECTURE.md).

``metrics.jsonl`` is built from the ``StepStats`` the doctor already read back (in batches of 20 steps),
so writing it costs the script nothing. One line per training iteration, closed by the generator's
optimizer step: ``d_loss``/``d_grad_norm`` from the discriminator's step(s) before it, ``g_loss``/
``g_grad_norm`` from the generator's own. ``d_real``/``d_fake`` follow the run-dir contract (a probability
for BCE-family losses) and are written only when the discriminator's loss is BCE-family, because the
report labels them as probabilities when no config says otherwise. They start after the probe (the
first two iterations), when the doctor knows which module is the discriminator.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from gandoctor.doctor.events import DISCRIMINATOR, GENERATOR, RunEvents
from gandoctor.files import write_atomic


def _probability(raw: float, scale: str) -> float:
    if scale == "logit" or not 0.0 <= raw <= 1.0:
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, raw))))
    return raw


def metrics_rows(run: RunEvents) -> list[dict[str, Any]]:
    """One row per generator step, in the run-dir metrics format; [] when roles are unknown."""
    if not run.roles.known:
        return []
    d_scale = run.discriminator_output_scale()
    rows: list[dict[str, Any]] = []
    row: dict[str, Any] = {}
    for s in run.stats:
        role = run.roles.optimizers.get(s.optimizer)
        if role not in (GENERATOR, DISCRIMINATOR):
            continue
        prefix = "g" if role == GENERATOR else "d"
        if s.loss is not None:
            row[f"{prefix}_loss"] = s.loss
        if s.grad_norm is not None:
            row[f"{prefix}_grad_norm"] = s.grad_norm
        if d_scale is not None:
            for name in ("d_real", "d_fake"):
                value = getattr(s, name)
                if value is not None and name not in row:
                    row[name] = _probability(value, d_scale)
        if role == GENERATOR:
            rows.append({"step": len(rows) + 1, **{k: v for k, v in row.items() if math.isfinite(v)}})
            row = {}
    if rows:
        data = _data_range(run)
        if data is not None:
            rows[0]["data_min"], rows[0]["data_max"] = data
    return rows


def _data_range(run: RunEvents) -> tuple[float, float] | None:
    """Min and max of the first real batch the discriminator consumed (probe entries)."""
    d_units = set(run.units_with_role(DISCRIMINATOR))
    for e in run.entries:
        if e.unit in d_units and not e.origin and e.stats.shape and len(e.stats.shape) > 1:
            return e.stats.min, e.stats.max
    return None


def write_run_dir(run_dir: Path, findings_doc: dict[str, Any], run: RunEvents) -> None:
    """Write findings.json and metrics.jsonl (each atomically) into ``run_dir``."""
    run_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(run_dir / "findings.json", json.dumps(findings_doc, indent=2, ensure_ascii=False))
    lines = "".join(json.dumps(row) + "\n" for row in metrics_rows(run))
    write_atomic(run_dir / "metrics.jsonl", lines)
