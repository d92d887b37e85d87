"""Reading tensors of a TF1 graph without touching the run: a separate, read-only ``Session.run``.

Fetching extra tensors inside the user's own ``run`` changes its numbers (TensorFlow fuses ops such as
MatMul + BiasAdd + activation only when the intermediate is not fetched, and rounds differently), so the
doctor reads what it needs in a run of its own, just before the user's, with the same feeds: the weights
are the ones the user's run will see, nothing is updated. Random ops on the way (in-graph noise, dropout)
are fed with the doctor's own samples, so the graph's random state is not advanced; a tensor behind any
other op with state (an input pipeline's iterator, a queue) is not read at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

# ops with state that a read leaves unchanged (variables and their reads)
_READ_ONLY = frozenset({"VariableV2", "Variable", "VarHandleOp", "ReadVariableOp", "Placeholder",
                        "PlaceholderWithDefault"})
# raw random ops: their output is replaced by the doctor's own sample of the same distribution
_RANDOM = {
    "RandomStandardNormal": lambda rng, shape: rng.standard_normal(shape),
    "TruncatedNormal": lambda rng, shape: np.clip(rng.standard_normal(shape), -2.0, 2.0),
    "RandomUniform": lambda rng, shape: rng.random(shape),
}


def _feed_name(key: Any) -> str:
    return key.name if hasattr(key, "name") and hasattr(key, "op") else str(key)


def plan(tensors: list[Any], feed_dict: dict | None) -> tuple[list[Any], list[Any]]:
    """(readable tensors, random ops to feed): a tensor is readable when every op with state that it
    depends on, stopping at the fed tensors, is a variable read or a raw random op of known shape."""
    fed = {_feed_name(k) for k in (feed_dict or {})}
    readable, randoms, verdict = [], {}, {}
    for tensor in tensors:
        ok, stack, seen = True, [tensor.op], set()
        while stack and ok:
            op = stack.pop()
            if op.name in seen:
                continue
            seen.add(op.name)
            if op.name in verdict:
                ok = verdict[op.name]
                continue
            if op.type in _RANDOM and op.outputs[0].shape.is_fully_defined():
                randoms[op.name] = op
                continue
            if op.op_def is not None and op.op_def.is_stateful and op.type not in _READ_ONLY:
                ok = False
                break
            stack.extend(t.op for t in op.inputs if t.name not in fed)
        verdict[tensor.op.name] = ok
        if ok:
            readable.append(tensor)
    return readable, list(randoms.values())


def read(session: Any, run: Callable, tensors: list[Any], feed_dict: dict | None,
         rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The values of ``tensors`` (those that can be read without touching state) by tensor name."""
    readable, randoms = plan(tensors, feed_dict)
    if not readable:
        return {}
    feeds = dict(feed_dict or {})
    for op in randoms:
        out = op.outputs[0]
        feeds[out] = _RANDOM[op.type](rng, tuple(out.shape.as_list())).astype(out.dtype.as_numpy_dtype)
    values = run(session, readable, feed_dict=feeds)
    return {t.name: v for t, v in zip(readable, values, strict=True)}
