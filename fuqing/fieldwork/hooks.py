"""How the needs register plugs into field work without field work importing it.

A visit's text lines become rows of the needs register (FLD-2, NEED-1), but the needs app is built on
visits (a need points at the visit that found it), so field work may not import it. The needs app fills
these slots from its ``AppConfig.ready()`` (``register_needs``); without it, a visit keeps its lines as text.

- ``sync_visit(actor, visit)``: the visit's lines become needs (on save, in the caller's transaction);
- ``record_woman(actor, visit, woman, lines)``: the lines written under a woman met on the visit;
- ``withdraw_visit(actor, visit)``: needs nobody has worked on go with a deleted visit;
- ``visit_needs(user, visit) -> (needs the user may see, lines not needs yet)``: the visit's page.
"""

from __future__ import annotations

from collections.abc import Callable

_NEEDS: dict[str, Callable] = {}
SLOTS = ("sync_visit", "record_woman", "withdraw_visit", "visit_needs")


def register_needs(**funcs: Callable) -> None:
    unknown = set(funcs) - set(SLOTS)
    if unknown:
        raise ValueError(f"unknown needs hooks: {sorted(unknown)}")
    _NEEDS.update(funcs)


def needs_hook(name: str) -> Callable | None:
    """The registered function for ``name`` (None while no needs register is installed)."""
    return _NEEDS.get(name)
