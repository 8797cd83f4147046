"""Figures worth seconds of database time, computed once and shared by every process (issue 16).

``shared(key, compute, fresh_seconds)`` keeps ``compute()``'s result in the configured cache (Redis at
scale, the file cache of an embedded install) with the time it was computed ("as of"). The guard: when
an entry is missing or older than ``fresh_seconds``, exactly one request takes a short lock and computes;
meanwhile the others are served the entry they have (stale by at most one computation) or, when there is
none yet, wait for the one computing instead of all running the same seconds-long queries at once. A
holder that dies frees the lock after ``lock_seconds``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

KEEP_FACTOR = 12  # a stale entry is still served for this many fresh periods while one recomputes


@dataclass(frozen=True)
class Computed:
    value: object
    at: object  # an aware datetime: when the value was computed ("as of")
    fresh_until: float  # time.time() past which the next request recomputes it
    version: object = None  # the data's generation it was computed from
    computed_at: float = 0.0

    def is_fresh(self, now: float, version, min_seconds: float) -> bool:
        if self.fresh_until <= now:
            return False
        # The data changed since: recompute, but not more often than every ``min_seconds``.
        return self.version == version or now - self.computed_at < min_seconds


def shared(
    key: str,
    compute,
    fresh_seconds: int,
    lock_seconds: int = 120,
    wait_seconds: float | None = None,
    refresh: bool = False,
    version=None,
    min_seconds: float = 0,
) -> Computed:
    """The cached ``compute()`` for ``key`` (computed by one request at a time). ``version``: the
    generation of the data read (``core.frame.generation``); an entry of another version is recomputed
    (by one request, the others served it meanwhile) once it is ``min_seconds`` old."""
    entry = None if refresh else cache.get(key)
    now = time.time()
    if entry is not None and entry.is_fresh(now, version, min_seconds):
        return entry
    lock = f"{key}:computing"
    if cache.add(lock, 1, lock_seconds):
        try:
            return _store(key, compute, fresh_seconds, version)
        finally:
            cache.delete(lock)
    if entry is not None:  # another request is recomputing: the last figures meanwhile
        return entry
    deadline = now + (lock_seconds if wait_seconds is None else wait_seconds)
    pause = 0.02
    while time.time() < deadline:
        time.sleep(pause)
        pause = min(pause * 2, 0.5)
        entry = cache.get(key)
        if entry is not None:
            return entry
        if cache.add(lock, 1, lock_seconds):  # the holder gave up (an error): compute ourselves
            try:
                return _store(key, compute, fresh_seconds, version)
            finally:
                cache.delete(lock)
    return _store(key, compute, fresh_seconds, version)


def _store(key: str, compute, fresh_seconds: int, version=None) -> Computed:
    value = compute()
    now = time.time()
    entry = Computed(value, timezone.now(), now + fresh_seconds, version, now)
    cache.set(key, entry, fresh_seconds * KEEP_FACTOR)
    return entry
