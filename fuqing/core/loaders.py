"""Demo loading across apps: the tree and accounts first, then each app's demo records.

Core names no app: the app that keeps the tree registers the first step (``register_demo_base``:
``func(password) -> summary``), the others their records after it (``register_demo_step``)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

_DEMO_STEPS: list[tuple[int, Callable[[dict], None]]] = []
_DEMO_BASE: list[Callable[[str], dict]] = []


def register_demo_base(func: Callable[[str], dict]) -> Callable[[str], dict]:
    """The tree and the demo accounts: ``func(password)`` returns the summary the steps receive."""
    _DEMO_BASE[:] = [func]
    return func


def register_demo_step(order: int):
    """Apps add demo records after the tree exists: ``func(summary)``."""

    def decorate(func):
        if (order, func) not in _DEMO_STEPS:
            _DEMO_STEPS.append((order, func))
        return func

    return decorate


def load_all_demo(password: str) -> dict:
    if not _DEMO_BASE:
        raise RuntimeError("no app registered the demo's tree (register_demo_base)")
    with transaction.atomic():
        summary = _DEMO_BASE[0](password)
        for _order, step in sorted(_DEMO_STEPS, key=lambda s: s[0]):
            step(summary)
    return summary
