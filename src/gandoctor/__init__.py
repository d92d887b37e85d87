"""gandoctor: GAN training that converges, and a doctor that tells you why yours doesn't.

The public Python API is ``gandoctor.watch`` (attach the doctor to your own loop); it is
imported lazily so that ``import gandoctor`` does not pull in torch.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def watch(*args: Any, **kwargs: Any) -> Any:
    """Attach the doctor to the code inside a ``with`` block. See ``gandoctor.doctor.api.watch``."""
    from gandoctor.doctor.api import watch as _watch

    return _watch(*args, **kwargs)


__all__ = ["watch", "__version__"]
