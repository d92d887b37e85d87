"""Torch's op names translated into the event model's op kinds (see "Op kinds" in doctor/events.py).

The torch adapter's hooks see torch's own names (``linear``, ``addmm``, ``__rsub__`` normalised to
``rsub``); everything they write into an event goes through ``op_kind`` first, so no check ever compares
a torch name.
"""

from __future__ import annotations

from gandoctor.doctor.events import (
    AFFINE,
    BATCH_NORM,
    CLAMP,
    DIFFERENCE,
    EXP,
    GROUP_NORM,
    HARD_SIGMOID,
    HARD_TANH,
    INPUT_GRADIENT,
    INSTANCE_NORM,
    LAYER_NORM,
    NEGATE,
    OTHER,
    SIGMOID,
    SOFTMAX,
    TANH,
)

# torch's affine ops: the probe also uses this set to follow "x @ W + b" and chains of layers
AFFINE_OPS = frozenset({"linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                        "conv_transpose3d", "matmul", "__matmul__", "mm", "addmm", "bmm", "einsum"})

_KINDS = {
    **{name: AFFINE for name in AFFINE_OPS},
    "sigmoid": SIGMOID, "hardsigmoid": HARD_SIGMOID,
    "tanh": TANH, "hardtanh": HARD_TANH,
    "softmax": SOFTMAX,
    "clamp": CLAMP, "clamp_": CLAMP, "clip": CLAMP, "clip_": CLAMP,
    "exp": EXP,
    "neg": NEGATE, "rsub": NEGATE,
    "sub": DIFFERENCE, "__sub__": DIFFERENCE,
    "batch_norm": BATCH_NORM, "instance_norm": INSTANCE_NORM,
    "layer_norm": LAYER_NORM, "group_norm": GROUP_NORM,
    "input_gradient": INPUT_GRADIENT, "autograd.grad": INPUT_GRADIENT,
}


def op_kind(name: str) -> str:
    """The op kind of a torch op name; OTHER for the ones the vocabulary has no word for."""
    return _KINDS.get(name, OTHER)
