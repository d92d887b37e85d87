"""How the doctor attaches to TensorFlow (loaded only once the script imports tensorflow).

``session.py``: TF1-compat graph code (``tf.compat.v1`` optimizers and ``Session.run``), read through
``graph.py``; ``ops.py`` translates TensorFlow's op types into the event model's op kinds.
"""

from __future__ import annotations

from collections.abc import Callable

from gandoctor.doctor.recorder import Recorder


def install(rec: Recorder) -> Callable[[], None]:
    from gandoctor.doctor.adapters.tf import session

    return session.install(rec)
