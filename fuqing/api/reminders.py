"""The caller's own in-app reminders (我的提醒) in the API: needs to review (NEED-4), deadlines owed
(CAM-2) — the same rows as the page, through the same scope."""

from __future__ import annotations

import datetime

from ninja import Router, Schema

from fuqing.core.models import Reminder
from fuqing.core.routes import scoped

router = Router(tags=["reminders"])


class ReminderOut(Schema):
    id: int
    source: str
    key: str
    kind: str
    due_on: datetime.date
    title: str
    url: str
    read: bool
    resolved: bool


@router.get("/reminders/", response=list[ReminderOut], url_name="api-reminders")
@scoped(Reminder, "list")
def list_reminders(request, q: str | None = None, unread: bool = False, source: str | None = None):
    """The caller's own reminders, newest first (at most 200)."""
    qs = Reminder.objects.for_user(request.auth)
    if q:
        qs = qs.filter(title__icontains=q[:50])
    if unread:
        qs = qs.unread()
    if source:
        qs = qs.filter(source=source[:40])
    return [
        {
            "id": r.pk,
            "source": r.source,
            "key": r.key,
            "kind": r.kind,
            "due_on": r.due_on,
            "title": r.title,
            "url": r.url,
            "read": bool(r.read_at),
            "resolved": bool(r.resolved_at),
        }
        for r in qs.order_by("-created_at", "-id")[:200]
    ]
