"""Tracked background jobs (PLT-5): a ``Job`` row the user can watch, run by django-tasks.

An app registers a handler for a job kind; ``start`` creates the row and enqueues the one task after
the transaction commits, so the worker never sees a job that was rolled back.
"""

from __future__ import annotations

import datetime
import logging
import os
import threading
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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


class JobBusy(Exception):
    """The same input is already being processed by another job (one import of a file at a time)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.user_message = message


# A job left "queued" or "running" this long is taken as interrupted (its worker died) when the same
# input is submitted again.
STALE_AFTER = datetime.timedelta(hours=6)


def start(
    user, org, kind: str, title: str, params: dict | None = None, input_file: str = "", input_digest: str = ""
) -> Job:
    """Create the job and enqueue it after commit. With ``input_digest``, a second job of the same kind on
    the same input while the first is queued or running raises ``JobBusy`` (a database constraint decides,
    so two concurrent requests cannot both win)."""
    if kind not in _HANDLERS:
        raise LookupError(kind)
    if input_digest:
        reap_stale(Job.objects.filter(kind=kind, input_digest=input_digest))
    params = dict(params or {})
    if replica.configured():  # what the job reads from a replica must include what was written until now
        params[replica.JOB_PARAM] = replica.primary_lsn()
    try:
        with transaction.atomic():
            job = Job.objects.create(
                user=user,
                org=org,
                kind=kind,
                title=title[:200],
                params=params,
                input_file=input_file,
                input_digest=input_digest,
            )
    except IntegrityError:
        raise JobBusy(
            _("同一个文件正在导入中（已有任务在排队或进行中）。请等该任务结束后查看结果，不要重复提交。")
        ) from None
    job_id = str(job.pk)
    transaction.on_commit(lambda: execute_job.enqueue(job_id))
    return job


def reap_stale(jobs_qs=None, now=None) -> int:
    """End the jobs whose worker died (killed mid-job, e.g. by the out-of-memory killer, which no handler
    can catch): a running job whose heartbeat stopped for JOB_STALE_SECONDS, and any job left queued or
    running longer than STALE_AFTER. Each ends failed with a message and its spooled input removed;
    returns how many. Imports write all-or-nothing, so nothing of such a job was kept: the user presses
    重试."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    silent = models.Q(status=JobStatus.RUNNING) & (
        models.Q(heartbeat_at__lt=cutoff) | models.Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    forgotten = models.Q(status__in=[JobStatus.QUEUED, JobStatus.RUNNING], created_at__lt=now - STALE_AFTER)
    count = 0
    for job in (jobs_qs if jobs_qs is not None else Job.objects.all()).filter(silent | forgotten):
        _finish_failed(job, _("任务中断：处理进程已停止，没有写入任何数据。请重新提交。"))
        count += 1
    if count:
        log.warning("marked %d stale job(s) failed", count)
    return count


def _progress_updater(job: Job) -> Callable[[int, int], None]:
    last = {"at": 0.0}

    def progress(done: int, total: int) -> None:
        now = timezone.now().timestamp()
        if now - last["at"] < 0.5 and done < total:
            return
        last["at"] = now
        Job.objects.filter(pk=job.pk).update(progress=done, total=total)

    return progress


GENERIC_FAILURE = gettext_lazy("任务执行失败，请联系系统管理员。")


def _finish_failed(job: Job, message) -> None:
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, error=str(message)[:500], finished_at=timezone.now()
    )
    release_input(job)


def release_input(job: Job) -> None:
    """Remove a job's spooled input file once the job has ended (issue 10, point 14)."""
    path = Job.objects.filter(pk=job.pk).values_list("input_file", flat=True).first() or ""
    if not path:
        return
    if Job.objects.filter(input_file=path, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).exists():
        return  # another job still reads it
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
    except OSError:
        log.exception("job %s: could not remove its input file", job.pk)
        return
    Job.objects.filter(input_file=path).update(input_file="")


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


def run(job: Job) -> Job:
    """Run a job now, in this process (the worker calls this; so can a management command).

    The job always ends: succeeded with its result, or failed with a message the user can read —
    whatever the handler raises, and even when its result cannot be saved. An interruption (the worker
    stopped: KeyboardInterrupt, SystemExit) marks it failed before the interruption goes on. The spooled
    input is removed when the job ends, unless the result says it is kept (``keeps_input``) for a
    follow-up the user may choose (importing only the valid rows).
    """
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now)
    try:
        try:
            with _Heartbeat(job.pk):
                result = _HANDLERS[job.kind](job, _progress_updater(job)) or {}
        except Exception as exc:
            log.exception("job %s (%s) failed", job.pk, job.kind)
            _finish_failed(job, getattr(exc, "user_message", None) or GENERIC_FAILURE)
        else:
            try:
                with transaction.atomic():  # a savepoint when run inside a transaction
                    Job.objects.filter(pk=job.pk).update(
                        status=JobStatus.SUCCEEDED, result=result, finished_at=timezone.now()
                    )
            except Exception:
                log.exception("job %s (%s): its result could not be saved", job.pk, job.kind)
                message = _("任务已执行，但结果无法保存（结果过大或数据库错误）。请联系系统管理员。")
                _finish_failed(job, message)
            else:
                if not result.get("keeps_input"):
                    release_input(job)
    except BaseException:
        try:
            _finish_failed(job, _("任务被中断（后台进程已停止），没有完成。请重新提交。"))
        except Exception:
            log.exception("job %s: could not be marked failed", job.pk)
        raise
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
