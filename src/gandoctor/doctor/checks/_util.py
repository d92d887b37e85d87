"""Small helpers shared by checks (not a check: modules starting with "_" are skipped)."""

from __future__ import annotations

from gandoctor.doctor.events import (
    DISCRIMINATOR,
    GENERATOR,
    BackwardEvent,
    CutEvent,
    ExceptionEvent,
    LossCallEvent,
    RunEvents,
    StepEvent,
)


def window(run: RunEvents, step: StepEvent, same_optimizer: bool = True) -> tuple[int, int]:
    """(start, end) seq bounds of what happened before ``step``: since the previous step of the same
    optimizer (or of any optimizer when ``same_optimizer`` is False)."""
    if same_optimizer:
        earlier = [s.seq for s in run.steps_of(step.optimizer) if s.seq < step.seq]
        return max(earlier, default=-1), step.seq
    return run.previous_step_seq(step.seq), step.seq


def last_cut(
    run: RunEvents, start: int, end: int, units: set[str], kinds: set[str] | None = None
) -> CutEvent | None:
    """The last cut of the gradient path on a tensor computed by ``units`` between two seqs."""
    found = [
        c
        for c in run.cuts
        if start < c.seq < end and units & set(c.units) and (kinds is None or c.kind in kinds)
    ]
    return found[-1] if found else None


def probe_steps(run: RunEvents, optimizer: int) -> list[StepEvent]:
    return [s for s in run.steps_of(optimizer) if s.probe]


def no_gradient(step: StepEvent) -> bool:
    """True when every parameter of the step had a None or all-zero gradient."""
    return step.n_params > 0 and step.grads_none + (step.grads_zero or 0) >= step.n_params


def step_for_loss(run: RunEvents, call: LossCallEvent) -> StepEvent | None:
    """The optimizer step that applied this loss call: the step whose gradients came from a backward of
    a loss containing it (the probe follows each loss call into the backpropagated root). None when its
    backward reached no step (it crashed); the next step when no backward is known to carry it."""
    flag = f"loss:{call.index}"
    carried = {b.index for b in run.backwards if flag in b.flags}
    if not carried:
        return next_step(run, call.seq)
    return next((s for s in run.steps_taken if carried & set(s.sources)), None)


def next_step(run: RunEvents, seq: int) -> StepEvent | None:
    """The first optimizer step after ``seq``: the step a loss computed at ``seq`` was made for."""
    for s in run.steps_taken:
        if s.seq > seq:
            return s
    return None


def role_of_step(run: RunEvents, step: StepEvent | None) -> str | None:
    """The role the step trains: its optimizer's; for an optimizer over both networks, the role of the
    parameters its gradients reached (one optimizer that moves G or D in turn), else "mixed"."""
    if step is None:
        return None
    role = run.roles.optimizers.get(step.optimizer)
    if role != "mixed":
        return role
    touched = {run.roles.params.get(k) for i in step.sources if (b := run.backward(i)) for k in b.params}
    touched &= {GENERATOR, DISCRIMINATOR}
    return touched.pop() if len(touched) == 1 else "mixed"


def crashed_backward(run: RunEvents, message: str) -> tuple[ExceptionEvent, BackwardEvent] | None:
    """The script's exception whose message contains ``message``, and the backward that raised it (the
    last one before it), when the probe stamped that backward's graph (``graph_seq``)."""
    crash = next((e for e in run.exceptions if message in e.message), None)
    if crash is None:
        return None
    failed = [b for b in run.backwards if b.seq < crash.seq]
    if not failed or failed[-1].graph_seq is None:
        return None
    return crash, failed[-1]
