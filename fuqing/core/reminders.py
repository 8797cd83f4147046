"""In-app reminders ("我的提醒"): the only functions the apps call to make, resolve and read them.

An app's daily generator (``manage.py assistance_reminders``, ``manage.py send_reminders``) builds
``Notice`` rows and hands them to ``remind_many`` — idempotent (one reminder per user, source, key, kind and
due date) and bulk: one lookup and one insert per thousand notices, whatever the province's size. When the
object is dealt with (the unit submitted, the need closed) the app calls ``resolve``. The page, the bell in
the top bar and the home panels read through ``Reminder.objects.for_user`` and ``unread_count``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.db.models import QuerySet
from django.utils import timezone

from fuqing.core import frame
from fuqing.core.models import Reminder, ReminderKind

__all__ = [
    "Notice",
    "Reminder",
    "ReminderKind",
    "mark_read",
    "register_source",
    "remind",
    "remind_many",
    "request_unread_count",
    "resolve",
    "source_label",
    "unread_count",
]

BATCH = 1000
_SOURCES: dict[str, object] = {}


def register_source(source: str, label) -> None:
    """An app names its kind of reminder once (in ``ready``): "assistance.need" → 诉求复查."""
    _SOURCES[source] = label


def source_label(source: str):
    return _SOURCES.get(source, "")


@dataclass(frozen=True)
class Notice:
    """One reminder to make: ids, not objects, so a generator never loads users or units."""

    user_id: int
    org_id: int
    source: str
    key: str
    kind: str
    title: str
    due_on: datetime.date
    url: str = ""

    @property
    def identity(self) -> tuple:
        return (self.user_id, self.source, str(self.key), self.kind, self.due_on)


def remind(user, org, source: str, key, kind: str, title: str, due_on: datetime.date, url: str = "") -> bool:
    """Remind one user of one object; False when she already has this reminder (idempotent)."""
    notice = Notice(
        user_id=getattr(user, "pk", user),
        org_id=getattr(org, "pk", org),
        source=source,
        key=str(key),
        kind=kind,
        title=title,
        due_on=due_on,
        url=url,
    )
    return remind_many([notice]) == 1


def remind_many(notices: Iterable[Notice], batch: int = BATCH) -> int:
    """Make the reminders not made yet; returns how many are new. Two queries per ``batch`` notices."""
    created = 0
    chunk: list[Notice] = []
    for notice in notices:
        chunk.append(notice)
        if len(chunk) >= batch:
            created += _insert(chunk)
            chunk = []
    if chunk:
        created += _insert(chunk)
    return created


def _insert(chunk: list[Notice]) -> int:
    wanted: dict[tuple, Notice] = {}
    for notice in chunk:
        wanted.setdefault(notice.identity, notice)
    existing = set(
        Reminder.objects.filter(
            source__in={n.source for n in wanted.values()},
            key__in={str(n.key) for n in wanted.values()},
            user_id__in={n.user_id for n in wanted.values()},
        ).values_list("user_id", "source", "key", "kind", "due_on")
    )
    rows = [
        Reminder(
            user_id=n.user_id,
            org_id=n.org_id,
            source=n.source,
            key=str(n.key),
            kind=n.kind,
            title=n.title[:200],
            due_on=n.due_on,
            url=n.url[:300],
        )
        for identity, n in wanted.items()
        if identity not in existing
    ]
    # ignore_conflicts: a second generator running at the same moment changes nothing either.
    Reminder.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    if rows:
        frame.bump("reminders")  # the bells count again
    return len(rows)


def resolve(source: str, keys, at: datetime.datetime | None = None) -> int:
    """The objects ``keys`` of ``source`` are dealt with: their open reminders leave the to-do.

    ``keys`` is a list of ids or a queryset of one column of keys (one UPDATE with a subquery)."""
    at = at or timezone.now()
    active = Reminder.objects.filter(source=source, resolved_at__isnull=True)
    if isinstance(keys, QuerySet):
        done = active.filter(key__in=keys).update(resolved_at=at)
    else:
        keys = [str(k) for k in keys]
        done = 0
        for start in range(0, len(keys), 500):
            done += active.filter(key__in=keys[start : start + 500]).update(resolved_at=at)
    if done:
        frame.bump("reminders")
    return done


def active_keys(source: str) -> QuerySet:
    """The keys of ``source`` with open reminders (a one-column queryset, for an app's sweep)."""
    return Reminder.objects.filter(source=source, resolved_at__isnull=True).values("key")


def mark_read(user, ids: Iterable[int] | Literal["all"]) -> int:
    """Mark the user's own reminders read: some (by id) or ``"all"``. Others' ids are ignored."""
    qs = Reminder.objects.for_user(user).filter(read_at__isnull=True)
    if ids != "all":
        qs = qs.filter(pk__in=list(ids))
    done = qs.update(read_at=timezone.now())
    if done:
        frame.bump("reminders")
    return done


def unread_count(user, source: str | None = None) -> int:
    """The user's unread reminders still to act on (one COUNT query)."""
    qs = Reminder.objects.for_user(user).unread()
    if source:
        qs = qs.filter(source=source)
    return qs.count()


def request_unread_count(request) -> int:
    """The top bar's bell: counted at most once per request, and kept in the frame cache until a
    reminder changes (``core.frame``)."""
    if not hasattr(request, "_fuqing_unread"):
        user = getattr(request, "user", None)
        authenticated = user is not None and user.is_authenticated
        request._fuqing_unread = frame.unread_reminders(user) if authenticated else 0
    return request._fuqing_unread
