"""How the doctor attaches to Keras 3 (loaded only once the script imports keras)."""

from __future__ import annotations

from collections.abc import Callable

from gandoctor.doctor.recorder import Recorder


def install(rec: Recorder) -> Callable[[], None]:
    return lambda: None
