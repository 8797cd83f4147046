"""The caller's own in-app reminders (我的提醒) in the API: needs to review (NEED-4), deadlines owed
(CAM-2) — the same rows as the page, through the same scope."""

from __future__ import annotations

import datetime

from ninja import Field, Query, Router, Schema

from fuqing.api.kit import paginate
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

    @staticmethod
    def resolve_read(r):
        return bool(r.read_at)

    @staticmethod
    def resolve_resolved(r):
        return bool(r.resolved_at)


class ReminderQuery(Schema):
    q: str | None = Field(None, max_length=50)
    unread: bool = False
    source: str | None = Field(None, max_length=40)


@router.get("/reminders/", response=list[ReminderOut], url_name="api-reminders")
@paginate
@scoped(Reminder, "list")
def list_reminders(request, filters: Query[ReminderQuery]):
    """The caller's own reminders, newest first."""
    qs = Reminder.objects.for_user(request.auth)
    if filters.q:
        qs = qs.filter(title__icontains=filters.q)
    if filters.unread:
        qs = qs.unread()
    if filters.source:
        qs = qs.filter(source=filters.source)
    return qs.order_by("-created_at", "-id")
