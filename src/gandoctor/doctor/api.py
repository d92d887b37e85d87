"""``gandoctor.watch()``: the doctor as a context manager around your own training code.

    with gandoctor.watch() as doc:                       # roles inferred from the data flow
        train()
    print(doc.report())

It installs the hooks on entry and removes them on exit, also when the code raises. A ``--max-steps``
stop (``StopTraining``) ends the block quietly; the script's own exceptions are recorded and re-raised.
"""

from __future__ import annotations

import gc
import warnings
import weakref
from typing import Any

import torch
from torch import nn

from gandoctor.doctor import roles as roles_module
from gandoctor.doctor.adapters import install_lazy
from gandoctor.doctor.adapters.pytorch import autograd, modules, optimizers
from gandoctor.doctor.adapters.pytorch.compiled import CompiledModules
from gandoctor.doctor.adapters.pytorch.named import NamedRoles
from gandoctor.doctor.adapters.pytorch.probe_mode import ProbeMode
from gandoctor.doctor.adapters.pytorch.stats import StepStatsCollector
from gandoctor.doctor.checks import explains_map, priorities, run_checks
from gandoctor.doctor.events import (
    DISCRIMINATOR,
    GENERATOR,
    DoctorErrorEvent,
    ExceptionEvent,
    MetricEvent,
    RunEvents,
)
from gandoctor.doctor.findings import Finding, rank
from gandoctor.doctor.locations import doctor_frames, traceback_locations
from gandoctor.doctor.recorder import Recorder, StopTraining
from gandoctor.doctor.render import text_report, to_json


class Doctor:
    """Records one run and diagnoses it when the block ends (``findings``, ``report()``, ``to_json()``)."""

    def __init__(
        self,
        generator: nn.Module | None = None,
        discriminator: nn.Module | None = None,
        max_steps: int | None = None,
        lang: str = "en",
        script: str = "",
        adopt_optimizers: bool = True,
        named: tuple[str | None, str | None] = (None, None),
    ) -> None:
        self.generator = generator
        self.discriminator = discriminator
        self.lang = lang
        self.adopt_optimizers = adopt_optimizers  # take in optimizers built before the block began
        self.rec = Recorder(max_steps=max_steps)
        self.rec.run.script = script
        # --generator/--discriminator expressions, evaluated in the script once it has built them
        self.named = NamedRoles(self.rec, script, *named) if any(named) else None
        if self.named is not None:
            self.rec.before_step.append(self.named.resolve)
        self.findings: list[Finding] = []
        self._removers: list[Any] = []
        self._mode: ProbeMode | None = None
        self._mode_on_stack = False
        self._attached = False

    @property
    def run(self) -> RunEvents:
        return self.rec.run

    # --- attach / detach ---------------------------------------------------------------------
    def __enter__(self) -> Doctor:
        self.attach()
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        stopped = exc_type is not None and issubclass(exc_type, StopTraining)
        if exc is not None and not stopped:
            self._record_exception(exc)
        self.finish()
        return stopped

    def attach(self) -> None:
        rec = self.rec
        self.stats = StepStatsCollector(rec)
        self.grads = autograd.GradTracker(rec, self.stats.on_loss)
        self._mode = ProbeMode(rec)
        self._removers.append(modules.install(rec, CompiledModules(rec, self._mode), self.grads.watch_output))
        self._remove_modules = self._removers[-1]
        self._removers.append(optimizers.install(rec, self.grads, self.stats))
        self._removers.append(autograd.install(rec, self.grads))
        self._removers.append(self.stats.remove)
        self._removers.append(install_lazy(rec))  # TensorFlow and Keras, once the script imports them
        existing = []
        if self.adopt_optimizers:
            with warnings.catch_warnings():  # isinstance() on some torch objects warns
                warnings.simplefilter("ignore")
                existing = [o for o in gc.get_objects() if _is_optimizer(o)]
        # optimizers built before watch() began join once their parameters are seen in use (or they
        # step): others alive in this process (an earlier run's) are not this code's
        rec.candidate_optimizers = [weakref.ref(o) for o in existing]
        for module, role in ((self.generator, GENERATOR), (self.discriminator, DISCRIMINATOR)):
            if module is not None:
                rec.add_unit_module(module)
                for p in module.parameters():
                    rec.named_roles[rec.param_key(p)] = role
        rec.on_probe_end.append(self._end_probe)
        self._removers.append(_quiet_compile_warning())
        self._mode.__enter__()
        self._mode_on_stack = True
        self._attached = True

    def _end_probe(self) -> None:
        """Drop the heavy instruments; keep the cheap ones on the generator and discriminator."""
        self._pop_mode()
        self._remove_modules()
        roles = roles_module.infer(self.rec.run, self.rec.named_roles)
        self.stats.watch(roles)

    def _pop_mode(self) -> None:
        if self._mode is None or not self._mode_on_stack:
            return
        self._mode.active = False
        depth = torch._C._len_torch_function_stack()
        if depth and torch._C._get_function_stack_at(depth - 1) is self._mode:
            self._mode.__exit__(None, None, None)
            self._mode_on_stack = False

    def finish(self) -> None:
        if not self._attached:
            return
        self._attached = False
        rec = self.rec
        self._pop_mode()
        for remove in reversed(self._removers):
            rec.guard("detach", remove)
        rec.guard("find optimizers", rec.adopt_used_candidates)
        rec.run.steps = rec.step
        if rec.probe:
            rec.run.probe_steps = rec.step
        rec.run.roles = roles_module.infer(rec.run, rec.named_roles)
        if self.named is not None and self.named.pending:
            rec.run.roles.known = False
            why = self.named.reason() or "no optimizer step was taken"
            rec.run.roles.reason = f"the named networks could not be found: {why}"
        self.findings = self.diagnose()

    def _record_exception(self, exc: BaseException) -> None:
        if isinstance(exc, SystemExit) and exc.code in (0, None):
            self.rec.run.exit_code = 0
            return
        if isinstance(exc, SystemExit):
            self.rec.run.exit_code = exc.code if isinstance(exc.code, int) else 1
        message = _message(exc)
        own = doctor_frames(exc.__traceback__)
        if own:  # raised by the doctor's own code inside the user's call: not the user's error
            self.rec.run.doctor_errors.append(
                DoctorErrorEvent("a hook inside the script", f"{type(exc).__name__}: {message[:300]}", own)
            )
            return
        locations = traceback_locations(exc.__traceback__)
        self.rec.run.exceptions.append(
            ExceptionEvent(self.rec.next_seq(), self.rec.step, type(exc).__name__, message[:300],
                           locations[-1] if locations else None, locations)
        )

    # --- diagnosis ---------------------------------------------------------------------------
    def diagnose(self) -> list[Finding]:
        run = self.rec.run
        found, skipped = run_checks(run)
        for e in run.exceptions:
            evidence = {"type": e.type, "message": e.message}
            found.append(Finding("script-error", "error", e.step, e.location, evidence))
        if run.steps == 0 and not run.exceptions:
            how = "it ran to its end" if run.exit_code is None else f"sys.exit({run.exit_code})"
            found.append(Finding("no-optimizer-step", "warning", 0, None, {"how": how}))
        elif not run.roles.known:
            evidence = {"reason": run.roles.reason, "n_skipped": len(skipped), "skipped": ", ".join(skipped)}
            found.append(Finding("roles-unknown", "warning", run.probe_steps, None, evidence))
        for aside in run.stepped_aside:
            found.append(Finding("doctor-stepped-aside", "warning", aside.step, aside.location,
                                 {"what": aside.what, "unit": aside.unit or "a module"}))
        for err in run.doctor_errors:
            found.append(Finding("doctor-internal-error", "warning", run.steps, None,
                                 {"where": err.where, "message": err.message, "traceback": err.traceback}))
        for f in found:
            f.framework = run.framework
        return rank(found, explains_map(), priorities())

    def record_metric(self, step: int, values: dict[str, float]) -> None:
        """Feed an evaluation metric (e.g. FID) so that checks can see quality over time."""
        self.rec.run.metrics.append(MetricEvent(int(step), {k: float(v) for k, v in values.items()}))

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return to_json(self.rec.run, self.findings, lang or self.lang)

    def report(self, lang: str | None = None) -> str:
        return text_report(self.rec.run, self.findings, lang or self.lang)

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    @property
    def failed(self) -> bool:
        """The doctor itself failed somewhere (``gandoctor run`` exits 2)."""
        return any(f.id == "doctor-internal-error" for f in self.findings)


def _message(exc: BaseException) -> str:
    """The most informative line of an exception's message: its first, except for TensorFlow's errors
    raised inside a ``tf.function``, whose first line is only "in user code:" followed by the traced
    frames, with the error itself on the last line."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    if not lines:
        return ""
    if lines[0] == "in user code:" and len(lines) > 1:
        last = lines[-1]  # "ValueError: Dimensions must be equal, ...": its type is said already
        prefix = f"{type(exc).__name__}: "
        return last[len(prefix):] if last.startswith(prefix) else last
    return lines[0]


def _is_optimizer(obj: object) -> bool:
    try:
        return isinstance(obj, torch.optim.Optimizer)
    except ReferenceError:  # a dead weakref.proxy among the gc's objects (torch.compile leaves some)
        return False


def _quiet_compile_warning() -> Any:
    """torch.compile warns that *global* module hooks (the doctor's) fire twice; that is about the doctor,
    not the user's code, and the compiled-module hooks step aside. Returns the undo."""
    warnings.filterwarnings("ignore", message=r"Using `torch.compile\(module\)` when there are global hooks")
    entry = warnings.filters[0]

    def remove() -> None:
        if entry in warnings.filters:
            warnings.filters.remove(entry)
            warnings._filters_mutated()  # type: ignore[attr-defined]

    return remove


def watch(
    generator: nn.Module | None = None,
    discriminator: nn.Module | None = None,
    max_steps: int | None = None,
    lang: str = "en",
) -> Doctor:
    """Attach the doctor to the code in a ``with`` block; name G and D to skip role inference."""
    return Doctor(generator, discriminator, max_steps, lang)
