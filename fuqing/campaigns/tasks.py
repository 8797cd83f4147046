"""Scheduled work of the campaign calendar, through django-tasks (PLT-5)."""

from __future__ import annotations

import datetime

from django.db import close_old_connections, connection
from django_tasks import task

from fuqing.campaigns.reminders import generate_reminders
from fuqing.campaigns.services import sync_open_deadlines


@task()
def send_reminders(day: str | None = None) -> dict:
    """The daily reminder run (CAM-2); ``day`` as YYYY-MM-DD, default today."""

    if not connection.in_atomic_block:  # a worker between tasks; never inside a caller's transaction
        close_old_connections()
    today = datetime.date.fromisoformat(day) if day else None
    synced = sync_open_deadlines(today)
    result = generate_reminders(today)
    result["synced"] = synced
    return result
