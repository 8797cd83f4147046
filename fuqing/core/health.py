"""``GET /healthz`` for load balancers (PLT-8): no login, and nothing in the answer but ok/fail per check.

Checks: the database answers; Redis answers (when configured); every migration is applied; a worker is
alive (RQ: a registered worker with a fresh heartbeat; database queue: no job has waited longer than
HEALTH_QUEUE_WAIT_SECONDS); free space under var/ (and the shared directory) is above HEALTH_MIN_FREE_MB.
200 when all pass, 503 otherwise. Details of a failure go to the log, never into the answer.
"""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from fuqing.core.models import Job, JobStatus
from fuqing.core.routes import unscoped

log = logging.getLogger(__name__)

_migrations_applied = False  # once true in a process it stays true; the check is not cheap


def check_database() -> bool:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1


def check_redis() -> bool:
    cache.set("fuqing:healthz", "1", 10)
    return cache.get("fuqing:healthz") == "1"


def check_migrations() -> bool:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        _migrations_applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrations_applied


def check_worker() -> bool:
    waited = timezone.now() - timedelta(seconds=settings.HEALTH_QUEUE_WAIT_SECONDS)
    if Job.objects.filter(status=JobStatus.QUEUED, created_at__lt=waited).exists():
        return False
    if settings.TASKS_BACKEND == "rq":
        import django_rq
        from rq import Worker

        now = timezone.now()
        for worker in Worker.all(connection=django_rq.get_connection("default")):
            beat = worker.last_heartbeat
            if beat is None:
                continue
            if timezone.is_naive(beat):
                beat = beat.replace(tzinfo=UTC)
            if now - beat < timedelta(seconds=worker.worker_ttl + 60):
                return True
        return False
    return True


def check_disk() -> bool:
    minimum = settings.HEALTH_MIN_FREE_MB * 1024 * 1024
    folders = {settings.VAR_DIR, settings.SHARED_DIR or settings.VAR_DIR}
    return all(shutil.disk_usage(folder).free >= minimum for folder in folders)


def checks() -> dict:
    names = {"database": check_database}
    if settings.REDIS_URL:
        names["redis"] = check_redis
    names["migrations"] = check_migrations
    if settings.TASKS_BACKEND in ("db", "rq"):
        names["worker"] = check_worker
    names["disk"] = check_disk
    return names


@unscoped("a load balancer's probe: no login, ok/fail per check, no federation data")
@login_not_required
@never_cache
@require_safe  # GET or HEAD, whichever the balancer sends
def healthz(request):
    results = {}
    for name, check in checks().items():
        try:
            ok = bool(check())
        except Exception:
            log.exception("healthz: %s check failed", name)
            ok = False
        if not ok:
            log.warning("healthz: %s failing", name)
        results[name] = "ok" if ok else "fail"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": results}, status=200 if healthy else 503
    )
