"""Limits that hold across processes (SEC-8): counted in the database, never in one worker's memory.

``take(key, limit, period)`` spends one unit of a fixed window (an hour by default) and says whether it
was allowed. The window's row is created if missing, then one conditional ``UPDATE … WHERE count <
limit`` increments it: atomic on SQLite and PostgreSQL alike, so N gunicorn workers (or servers) share
one count and never hand out more than ``limit`` between them.
"""

from __future__ import annotations

import time

from django.db import IntegrityError, transaction
from django.db.models import F

from fuqing.core.models import RateCounter


def _window(period: int) -> int:
    return int(time.time() // period)


def take(key: str, limit: int, period: int = 3600) -> bool:
    """Spend one unit of ``key``'s current window; False (nothing spent) once ``limit`` is reached."""

    window = _window(period)
    counters = RateCounter.objects.filter(key=key, window=window)
    if not counters.exists():
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=key, window=window)
        except IntegrityError:  # another process created it first: fine, it is the same counter
            pass
        RateCounter.objects.filter(key=key, window__lt=window - 1).delete()  # old windows
    return counters.filter(count__lt=limit).update(count=F("count") + 1) == 1


def used(key: str, period: int = 3600) -> int:
    row = RateCounter.objects.filter(key=key, window=_window(period)).values_list("count", flat=True)
    return next(iter(row), 0)
