"""Run a user's script exactly as ``python SCRIPT ARGS`` would, with the doctor attached.

Same ``__main__``, ``sys.argv`` and ``sys.path[0]`` (the script's folder); the working directory is
not changed. The script's exceptions and non-zero exits become part of the report.
"""

from __future__ import annotations

import os
import runpy
import sys

from gandoctor.doctor.api import Doctor


def run_script(script: str, args: list[str], max_steps: int | None, lang: str = "en",
               named: tuple[str | None, str | None] = (None, None)) -> Doctor:
    """``named``: (generator, discriminator) expressions from ``--generator``/``--discriminator``."""
    path = os.path.abspath(script)
    # the script builds its own optimizers: ones left alive by earlier code in this process are not its
    doctor = Doctor(max_steps=max_steps, lang=lang, script=script, adopt_optimizers=False, named=named)
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [script, *args]
    sys.path.insert(0, os.path.dirname(path))
    try:
        with doctor:
            runpy.run_path(path, run_name="__main__")
    except SystemExit:
        pass  # recorded by the doctor unless it was a normal exit
    except Exception:
        pass  # recorded by the doctor as script-error
    finally:
        sys.argv = saved_argv
        sys.path[:] = saved_path
    doctor.run.finished = not doctor.run.exceptions
    return doctor
