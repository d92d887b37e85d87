"""Roles named on the command line: ``gandoctor run --generator netG --discriminator model.disc``.

The expressions are evaluated in the script's own frame (its locals, then its globals) at each
optimizer step of the probe until both give an ``nn.Module``: by then the script has built its
networks, whatever it calls them. An expression that never evaluates is reported, not guessed.
"""

from __future__ import annotations

import os
import sys

from torch import nn

from gandoctor.doctor.events import DISCRIMINATOR, GENERATOR
from gandoctor.doctor.recorder import Recorder


class NamedRoles:
    def __init__(self, rec: Recorder, script: str, generator: str | None, discriminator: str | None) -> None:
        self.rec = rec
        self.script = os.path.abspath(script)
        self.pending = {role: expr for role, expr in ((GENERATOR, generator), (DISCRIMINATOR, discriminator))
                        if expr}
        self.problems: dict[str, str] = {}

    def resolve(self) -> None:
        """Try each pending expression in the script's frames, innermost first."""
        if not self.pending:
            return
        frames = []
        f = sys._getframe(1)
        while f is not None:
            if os.path.abspath(f.f_code.co_filename) == self.script:
                frames.append(f)
            f = f.f_back
        for role, expr in list(self.pending.items()):
            for frame in frames:
                try:
                    value = eval(expr, frame.f_globals, dict(frame.f_locals))  # noqa: S307 - the user's own
                except Exception as exc:
                    self.problems[role] = f"{expr!r}: {type(exc).__name__}: {exc}"
                    continue
                if not isinstance(value, nn.Module):
                    self.problems[role] = f"{expr!r} is a {type(value).__name__}, not an nn.Module"
                    continue
                self.rec.add_unit_module(value)
                for p in value.parameters():
                    self.rec.named_roles[self.rec.param_key(p)] = role
                del self.pending[role]
                self.problems.pop(role, None)
                break

    def reason(self) -> str:
        """Why the named roles could not be used, for the roles-unknown finding ('' when they were)."""
        return "; ".join(f"--{role} {problem}" for role, problem in self.problems.items())
