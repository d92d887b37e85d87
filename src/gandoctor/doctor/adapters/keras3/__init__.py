"""How the doctor attaches to Keras 3 (loaded only once the script imports keras).

``models.py``: models as units, their data flow, ``trainable`` switches; ``optimizers.py``: optimizers and
every train step (``train_on_batch``, ``fit``, ``apply_gradients``); ``tape.py`` (TensorFlow backend):
``tf.function`` executions, ``GradientTape.gradient`` and ``tf.stop_gradient``, and autograph's lines
mapped back to the script's. Works with the TensorFlow and torch backends; others are left alone.
"""

from __future__ import annotations

from collections.abc import Callable

from gandoctor.doctor.recorder import Recorder


def install(rec: Recorder) -> Callable[[], None]:
    import keras

    from gandoctor.doctor.adapters.keras3 import models, optimizers
    from gandoctor.doctor.adapters.keras3.state import KerasState

    backend = keras.backend.backend()
    if backend not in ("tensorflow", "torch"):
        return lambda: None
    state = KerasState(rec, backend)
    undo: list[Callable[[], None]] = []

    def remove() -> None:
        while undo:
            rec.guard("detach keras", undo.pop())

    from gandoctor.doctor.adapters.keras3 import stats

    rec.on_probe_end.append(lambda: stats.at_probe_end(state))
    try:
        models.install(state, undo)
        optimizers.install(state, undo)
        if backend == "tensorflow":
            from gandoctor.doctor.adapters.keras3 import tape

            tape.install(state, undo)
    except Exception:
        remove()  # a half-attached doctor would watch only part of the run: none of it, then
        raise
    return remove
