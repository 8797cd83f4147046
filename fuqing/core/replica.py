"""Reading dashboards and ledger exports from a PostgreSQL streaming replica (PLT-8).

When ``DATABASE_REPLICA_URL`` is set, settings add a ``replica`` database and this router. A read goes to
the replica only when all of these hold:

* the view opted in with ``@replica_view`` (a job with ``replica_reads``) — dashboards and ledger exports do;
* no transaction is open on the primary, and nothing was written in this request before the read (a
  write pins the rest of the request to the primary; writes to the bookkeeping tables in ``PINNED`` —
  audit log, sessions, jobs, lockout, rate counters — are themselves always read on the primary and do
  not pin);
* the replica has replayed this session's last write (the primary's WAL position after a request that
  wrote is kept in the session; a job carries the position of the request that started it);
* the replica answers, is in recovery, and is no further behind than ``FUQING_REPLICA_MAX_LAG_SECONDS``.

Otherwise the read goes to the primary. Every write goes to the primary. The verdict is taken once per
request; a replica that fails to answer is not asked again for a few seconds.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
SESSION_KEY = "_fuqing_write_lsn"
JOB_PARAM = "_replica_after_lsn"
DOWN_RETRY_SECONDS = 5
# Read and written on the primary only; their writes do not pin a request to the primary.
PINNED = {
    "core.AuditEvent",
    "core.AuditHead",
    "core.Job",
    "sessions.Session",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "core.RateCounter",
    "axes.AccessFailureLog",
    "django_tasks_db.DBTaskResult",
}


@dataclass
class _ReadState:
    allowed: bool = False
    wrote: bool = False
    after_lsn: str | None = None
    verdict: bool | None = None
    used: bool = False  # a read went to the replica (for tests and logs)


_state: contextvars.ContextVar[_ReadState | None] = contextvars.ContextVar("fuqing_replica", default=None)
_down_until = 0.0


def configured() -> bool:
    return REPLICA in settings.DATABASES


def current_state() -> _ReadState | None:
    return _state.get()


def _replica_status(after_lsn: str | None) -> tuple[bool, str]:
    """(usable, reason) from one query on the replica."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            """
            SELECT pg_is_in_recovery(),
                   CASE WHEN (SELECT status FROM pg_stat_wal_receiver) = 'streaming'
                             AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                        ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9)
                   END,
                   %s::pg_lsn IS NULL OR pg_last_wal_replay_lsn() >= %s::pg_lsn
            """,
            [after_lsn, after_lsn],
        )
        in_recovery, lag, caught_up = cursor.fetchone()
    if not in_recovery:
        return False, "not in recovery"
    if float(lag) > settings.REPLICA_MAX_LAG_SECONDS:
        return False, f"lagging {float(lag):.1f}s"
    if not caught_up:
        return False, "behind this session's last write"
    return True, "ok"


def replica_usable(after_lsn: str | None = None) -> bool:
    global _down_until
    if not configured() or time.monotonic() < _down_until:
        return False
    try:
        usable, reason = _replica_status(after_lsn)
    except Exception as exc:  # down, unreachable, not PostgreSQL…: read on the primary
        log.warning("replica not used: %s", exc)
        _down_until = time.monotonic() + DOWN_RETRY_SECONDS
        with suppress(Exception):
            connections[REPLICA].close()
        return False
    if not usable:
        log.info("replica not used: %s", reason)
    return usable


def primary_lsn() -> str | None:
    """The primary's current WAL position (PostgreSQL with a replica only)."""
    if not configured():
        return None
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")  # everything written so far
        return cursor.fetchone()[0]


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        state = _state.get()
        if state is None or not state.allowed or state.wrote or model._meta.label in PINNED:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:  # inside a transaction: read what it sees
            return DEFAULT_DB_ALIAS
        if state.verdict is None:
            state.verdict = replica_usable(state.after_lsn)
        if state.verdict:
            state.used = True
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        state = _state.get()
        if state is not None and model._meta.label not in PINNED:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


@contextmanager
def replica_reads(after_lsn: str | None = None):
    """Inside, reads may go to the replica (see the module's rules)."""
    state = _state.get()
    if state is None:
        token = _state.set(_ReadState(allowed=True, after_lsn=after_lsn))
        try:
            yield _state.get()
        finally:
            _state.reset(token)
        return
    allowed, state.allowed = state.allowed, True
    if after_lsn and not state.after_lsn:
        state.after_lsn = after_lsn
    try:
        yield state
    finally:
        state.allowed = allowed


def replica_view(view):
    """Mark a view whose reads may be served by the replica (dashboards, ledger exports)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        with replica_reads():
            return view(request, *args, **kwargs)

    wrapper.replica_reads = True
    return wrapper


class ReplicaMiddleware:
    """Per request: the session's last write position in, and after a request that wrote, the primary's
    position out into the session, so her next reads wait for the replica to have replayed it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        session = getattr(request, "session", None)
        state = _ReadState(after_lsn=session.get(SESSION_KEY) if session is not None else None)
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if state.wrote and session is not None:
            try:
                session[SESSION_KEY] = primary_lsn()
            except Exception:  # the next reads then simply may not see this write on the replica
                log.exception("could not record the primary's WAL position")
        return response
