"""Scheduled work of the registry (SEC-9): the retention job as a django-tasks task.

Enqueue it daily (cron: ``manage.py anonymise_expired --enqueue``) or run it inline
(``manage.py anonymise_expired``); both call ``privacy.anonymise_expired``.
"""

from django.db import close_old_connections, connection
from django_tasks import task

from fuqing.registry.privacy import anonymise_expired


@task()
def anonymise_expired_task() -> int:
    if not connection.in_atomic_block:  # a worker's stale connection; never a caller's open transaction
        close_old_connections()
    return anonymise_expired()
