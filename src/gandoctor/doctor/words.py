"""The words of every finding id, by language: a registry the catalogue fills, so findings need no checks.

Each check module keeps its own ``TEXT`` (adding a check touches no other file); ``doctor/checks`` hands
those tables, and the engine's own, to this module when it is imported. The check modules themselves
load lazily, on the first look-up of an id not registered yet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass
class Text:
    """The words of one finding id in one language. ``summary`` and ``fix`` may use ``{evidence}`` keys.
    ``fix_for`` holds the fix as written for another framework than torch (``"tensorflow"``, ``"keras"``),
    so that the fix a user pastes is in the API their script uses."""

    summary: str
    explanation: str
    fix: str
    fix_for: dict[str, str] = field(default_factory=dict)


Table = Mapping[str, Text]  # language code -> words
_TABLES: dict[str, Table] = {}
_LOADERS: list[Callable[[], Mapping[str, Table]]] = []


def register(tables: Mapping[str, Table]) -> None:
    """Add (or replace) the words of some finding ids: ``{finding_id: {lang: Text}}``."""
    _TABLES.update(tables)


def register_loader(loader: Callable[[], Mapping[str, Table]]) -> None:
    """A function that returns more tables, called once, on the first look-up of an unknown id (the
    catalogue defers importing its check modules until they are needed)."""
    _LOADERS.append(loader)


def table_for(finding_id: str) -> Table | None:
    """Every language's words for ``finding_id``; None when no check or engine finding has that id."""
    while finding_id not in _TABLES and _LOADERS:
        register(_LOADERS[0]())
        _LOADERS.pop(0)  # only once it worked: a failing loader fails again, loudly, on the next look-up
    return _TABLES.get(finding_id)


def text_for(finding_id: str, lang: str) -> Text:
    """The words for ``finding_id`` in ``lang`` (English when that language is missing; the id itself
    when the id is unknown, so a report never fails on words)."""
    table = table_for(finding_id)
    if table is None:
        return Text(summary=finding_id, explanation="", fix="")
    return table.get(lang) or table["en"]
