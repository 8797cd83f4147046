"""Tracked background jobs (PLT-5): a ``Job`` row the user can watch, run by django-tasks.

An app registers a handler for a job kind; ``start`` creates the row and enqueues the one task after
the transaction commits, so the worker never sees a job that was rolled back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from fuqing.core import replica
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
    params = dict(params or {})
    if replica.configured():  # what the job reads from a replica must include what was written until now
        params[replica.JOB_PARAM] = replica.primary_lsn()
    job = Job.objects.create(
        user=user, org=org, kind=kind, title=title[:200], params=params, input_file=input_file
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


class _Heartbeat:
    """A thread that writes ``heartbeat_at`` every JOB_HEARTBEAT_SECONDS while a job runs, on its own
    connection (the job's may sit inside a long transaction)."""

    def __init__(self, job_id):
        self.job_id = job_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"job-heartbeat-{job_id}", daemon=True)

    def _beat(self) -> None:
        try:
            while not self.stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # SQLite busy under a long import: the next beat tries again
                    log.warning("job %s: heartbeat not written", self.job_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=5)


def reap_stale(now=None) -> int:
    """Mark failed every running job whose heartbeat stopped (its worker died mid-job); returns how many.

    Imports write in one transaction, so a job killed mid-way left nothing half-written: it is safe to
    report it failed and let the user start it again (the 重试 button)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    stale = Job.objects.filter(status=JobStatus.RUNNING).filter(
        models.Q(heartbeat_at__lt=cutoff) | models.Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    count = stale.update(
        status=JobStatus.FAILED,
        error=_("任务执行中断（处理进程已停止），没有写入任何数据，请重新提交。"),
        finished_at=now,
    )
    if count:
        log.warning("marked %d stale running job(s) failed", count)
    return count


def run(job: Job) -> Job:
    """Run a job now, in this process (the worker calls this; so can a management command)."""
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now)
    try:
        with _Heartbeat(job.pk):
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
    reap_stale()  # every worker sweeps up after a dead colleague before it takes a job
    # Claim the job: of two workers handed the same job (a retried delivery), one runs it.
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not claimed:
        return "skipped"
    return run(job).status
