"""Demo loading across apps: the tree and accounts first, then each app's demo records."""

from __future__ import annotations

from collections.abc import Callable

_DEMO_STEPS: list[tuple[int, Callable[[dict], None]]] = []


def register_demo_step(order: int):
    """Apps add demo records after the tree exists: ``func(summary)``."""

    def decorate(func):
        _DEMO_STEPS.append((order, func))
        return func

    return decorate


def load_all_demo(password: str) -> dict:
    from django.db import transaction

    from fuqing.orgs import demo

    with transaction.atomic():
        summary = demo.load(password)
        for _order, step in sorted(_DEMO_STEPS, key=lambda s: s[0]):
            step(summary)
    return summary
