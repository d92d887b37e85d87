"""Who is the generator and who the discriminator, worked out from the data flow.

A unit (network) whose input is noise is a generator candidate; a unit that consumes a candidate's
output *and* an input from outside any network (the real batch) is the discriminator. Units still
without a role take the role of the optimizer that holds them. Roles named by the user win.
When no generator or no discriminator is found, roles stay unknown and the reason says why.
"""

from __future__ import annotations

from gandoctor.doctor.events import DISCRIMINATOR, GENERATOR, UNKNOWN, Roles, RunEvents


def infer(run: RunEvents, named: dict[int, str] | None = None) -> Roles:
    roles = Roles()
    units = set(run.units) | {e.unit for e in run.entries}
    if named:
        for key, role in named.items():
            if key in run.params:
                roles.units[run.params[key].unit] = role
        how = "named by the user"
    else:
        noise_units = {e.unit for e in run.entries if e.noise and not e.origin}
        fed_by: dict[str, set[str]] = {}
        outside: set[str] = set()
        for e in run.entries:
            if e.origin:
                fed_by.setdefault(e.unit, set()).update(e.origin)
            else:
                outside.add(e.unit)
        discriminators = {u for u, src in fed_by.items() if src & noise_units and u in outside}
        generators = noise_units - discriminators
        for u in generators:
            roles.units[u] = GENERATOR
        for u in discriminators:
            roles.units[u] = DISCRIMINATOR
        how = "from the data flow"

    _optimizer_roles(run, roles)
    # units with no role yet take their optimizer's role (e.g. a conditional G's label embedding)
    for u in units:
        if roles.units.get(u, UNKNOWN) != UNKNOWN:
            continue
        found = {roles.optimizers.get(i) for k in run.units.get(u, []) for i in run.params[k].optimizers}
        found &= {GENERATOR, DISCRIMINATOR}
        roles.units[u] = found.pop() if len(found) == 1 else UNKNOWN
    for key, info in run.params.items():
        roles.params[key] = roles.units.get(info.unit, UNKNOWN)
    _optimizer_roles(run, roles)

    has_g = GENERATOR in roles.units.values()
    has_d = DISCRIMINATOR in roles.units.values()
    roles.known = has_g and has_d
    if roles.known:
        roles.reason = how
    elif not run.entries and not named:
        roles.reason = "no network was seen consuming an input"
    elif not has_g:
        roles.reason = "no network consumed noise (torch.randn/rand created after the optimizers)"
    else:
        roles.reason = "no network consumed both the generator's output and real data"
    return roles


def _optimizer_roles(run: RunEvents, roles: Roles) -> None:
    for opt in run.optimizers:
        found = {roles.units.get(run.params[k].unit, UNKNOWN) for k in opt.params} - {UNKNOWN}
        if len(found) == 1:
            roles.optimizers[opt.index] = found.pop()
        elif len(found) > 1:
            roles.optimizers[opt.index] = "mixed"
        else:
            roles.optimizers[opt.index] = UNKNOWN
