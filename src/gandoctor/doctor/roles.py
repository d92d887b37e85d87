"""Who is the generator and who the discriminator, worked out from the data flow.

A unit (network) that consumes another unit's output *and* an input from outside any network (the
real batch) is the discriminator; the units it takes outputs from are generators. Units still
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
        generators, discriminators = from_data_flow(run)
        for u in generators:
            roles.units[u] = GENERATOR
        for u in discriminators:
            roles.units[u] = DISCRIMINATOR
        for copy in run.copies:
            if copy.original in roles.units:
                roles.units[copy.unit] = roles.units[copy.original]
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
    elif named:
        roles.reason = "the named networks were not both seen training"
    elif not any(e.origin for e in run.entries):
        roles.reason = "no network consumed another network's output"
    else:
        roles.reason = "no network consumed both another network's output and data from outside the networks"
    return roles


def from_data_flow(run: RunEvents) -> tuple[set[str], set[str]]:
    """(generators, discriminators) from which unit consumed what.

    A discriminator consumes another unit's output *and* data made by no unit (the real batch), and
    its own output feeds no other such unit. The generators are the units whose output it consumes.
    How the noise was made (torch, numpy, a refilled buffer) does not matter, nor whether there is
    noise at all: an image-to-image generator consumes images. A copy of a network (``run.copies``) counts
    as that network.
    """
    same = {c.unit: c.original for c in run.copies}  # a copy of a network plays its part
    fed_by: dict[str, set[str]] = {}
    outside: set[str] = set()
    for e in run.entries:
        unit = same.get(e.unit, e.unit)
        sources = {same.get(u, u) for u in e.origin} - {unit}
        if sources:
            fed_by.setdefault(unit, set()).update(sources)
        elif not e.origin:
            outside.add(unit)
    candidates = {u for u, sources in fed_by.items() if u in outside}
    if not candidates and run.exceptions:
        # the run crashed before D saw real data (its first generator step, say): a unit consuming
        # another unit's output and feeding none is taken as D
        candidates = {u for u in fed_by if not any(u in src for src in fed_by.values())}
    # a candidate feeding another one is upstream of it (a generator fed by a label-embedding unit)
    discriminators = {u for u in candidates if not any(u in fed_by.get(v, ()) for v in candidates - {u})}
    generators = {g for d in discriminators for g in fed_by[d]} - discriminators
    return generators, discriminators


def _optimizer_roles(run: RunEvents, roles: Roles) -> None:
    for opt in run.optimizers:
        found = {roles.units.get(run.params[k].unit, UNKNOWN) for k in opt.params} - {UNKNOWN}
        if len(found) == 1:
            roles.optimizers[opt.index] = found.pop()
        elif len(found) > 1:
            roles.optimizers[opt.index] = "mixed"
        else:
            roles.optimizers[opt.index] = UNKNOWN
