"""TensorFlow's graph ops in the event model's words: op kinds, user lines, variables behind a tensor.

TensorFlow's op types (``MatMul``, ``Sigmoid``) stay in this file; everything written into an event goes
through ``op_kind`` first, so no check ever compares a TensorFlow name. A graph op keeps the Python stack
that created it (``op.traceback``), which is how an op is mapped back to the user's line.
"""

from __future__ import annotations

from typing import Any

from gandoctor.doctor.events import (
    AFFINE,
    BATCH_NORM,
    EXP,
    NEGATE,
    OTHER,
    SIGMOID,
    SOFTMAX,
    TANH,
    Location,
)
from gandoctor.doctor.locations import is_user_file

_KINDS = {
    "MatMul": AFFINE, "BatchMatMulV2": AFFINE, "BatchMatMulV3": AFFINE, "Conv2D": AFFINE, "Conv3D": AFFINE,
    "Conv2DBackpropInput": AFFINE, "DepthwiseConv2dNative": AFFINE, "Conv1D": AFFINE,
    "Sigmoid": SIGMOID, "Tanh": TANH, "Softmax": SOFTMAX, "Exp": EXP, "Neg": NEGATE,
    "FusedBatchNorm": BATCH_NORM, "FusedBatchNormV2": BATCH_NORM, "FusedBatchNormV3": BATCH_NORM,
}
# ops that only move or rename values: a producer is looked for behind them
_SHAPE = frozenset({"Identity", "Reshape", "Squeeze", "ExpandDims", "Cast", "IdentityN", "Snapshot"})
_ADD = frozenset({"Add", "AddV2", "BiasAdd"})
VARIABLE_OPS = frozenset({"VariableV2", "Variable", "VarHandleOp"})
_READS = frozenset({"Identity", "ReadVariableOp"})
# the framework functions that build a with-logits binary cross-entropy out of ordinary ops
WITH_LOGITS_FUNCTIONS = frozenset({"sigmoid_cross_entropy_with_logits",
                                   "sigmoid_cross_entropy_with_logits_v2"})


def op_kind(op: Any) -> str:
    return _KINDS.get(op.type, OTHER)


def variable_op(tensor: Any) -> Any | None:
    """The variable op a tensor reads (``W/read`` of a ref variable, ``ReadVariableOp`` of a resource
    variable, or the variable itself), else None."""
    op = tensor.op
    if op.type in VARIABLE_OPS:
        return op
    if op.type in _READS and op.inputs and op.inputs[0].op.type in VARIABLE_OPS:
        return op.inputs[0].op
    return None


def is_bias_add(op: Any) -> bool:
    return op.type in _ADD and any(variable_op(t) is not None for t in op.inputs)


def producer(tensor: Any) -> Any:
    """The op that computed a tensor's values, looking through reshapes, identities and bias adds."""
    op = tensor.op
    while True:
        if op.type in _SHAPE and op.inputs and variable_op(op.outputs[0]) is None:
            op = op.inputs[0].op
        elif is_bias_add(op):
            op = next(t.op for t in op.inputs if variable_op(t) is None)
        else:
            return op


def passes_linearly(op: Any) -> bool:
    """An op after which an affine map is still affine: a reshape, a bias add, a batch norm."""
    return op.type in _SHAPE or is_bias_add(op) or op_kind(op) == BATCH_NORM


def user_frames(op: Any) -> list[Location]:
    """The user-code frames of the stack that created ``op``, outermost first."""
    try:
        frames = op.traceback
    except Exception:  # an op imported from a GraphDef has no stack
        return []
    return [Location(f.filename, f.lineno) for f in frames if is_user_file(f.filename)]


def op_location(op: Any) -> Location | None:
    frames = user_frames(op)
    return frames[-1] if frames else None


def built_by(op: Any, functions: frozenset[str]) -> bool:
    """Whether one of the framework's ``functions`` was on the stack that created ``op``."""
    try:
        return any(f.name in functions and not is_user_file(f.filename) for f in op.traceback)
    except Exception:
        return False


def init_location(var: Any) -> Location | None:
    """The user line that made a variable's initial values (``tf.random_normal(...)``, possibly in a helper
    such as ``xavier_init``), else the line that created the variable."""
    try:
        made = var.initial_value.op
    except Exception:  # a variable restored or made without an initial value tensor
        made = None
    return (op_location(made) if made is not None else None) or op_location(var.op)
