"""Tracked background jobs (PLT-5): a ``Job`` row the user can watch, run by django-tasks.

An app registers a handler for a job kind; ``start`` creates the row and enqueues the one task after
the transaction commits, so the worker never sees a job that was rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks import task

from fuqing.core.models import Job, JobStatus

log = logging.getLogger(__name__)

_HANDLERS: dict[str, Callable[[Job, Callable[[int, int], None]], dict]] = {}


def handler(kind: str):
    """Register ``func(job, progress) -> result dict`` for jobs of ``kind``."""

    def decorate(func):
        _HANDLERS[kind] = func
        return func

    return decorate


def start(user, org, kind: str, title: str, params: dict | None = None, input_file: str = "") -> Job:
    if kind not in _HANDLERS:
        raise LookupError(kind)
    job = Job.objects.create(
        user=user, org=org, kind=kind, title=title[:200], params=params or {}, input_file=input_file
    )
    job_id = str(job.pk)
    transaction.on_commit(lambda: execute_job.enqueue(job_id))
    return job


def _progress_updater(job: Job) -> Callable[[int, int], None]:
    last = {"at": 0.0}

    def progress(done: int, total: int) -> None:
        now = timezone.now().timestamp()
        if now - last["at"] < 0.5 and done < total:
            return
        last["at"] = now
        Job.objects.filter(pk=job.pk).update(progress=done, total=total)

    return progress


def run(job: Job) -> Job:
    """Run a job now, in this process (the worker calls this; so can a management command)."""
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    try:
        result = _HANDLERS[job.kind](job, _progress_updater(job))
    except Exception as exc:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        message = getattr(exc, "user_message", None) or "任务执行失败，请联系系统管理员。"
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=str(message)[:500], finished_at=timezone.now()
        )
    else:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.SUCCEEDED, result=result or {}, finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job


@task()
def execute_job(job_id: str) -> str:
    if not connection.in_atomic_block:  # a worker between jobs; not a job run inline inside a transaction
        close_old_connections()
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.status != JobStatus.QUEUED:
        return "skipped"
    return run(job).status
