"""Ledger imports and big exports as tracked jobs (PLT-5)."""

from __future__ import annotations

import os
import time

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils.translation import gettext as _

from fuqing.core import jobs
from fuqing.core.crypto import open_params
from fuqing.core.ledger import ImportContext, LedgerFileError, export_to_file, get_ledger, import_file
from fuqing.core.replica import JOB_PARAM as REPLICA_JOB_PARAM
from fuqing.core.replica import replica_reads


class JobError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.user_message = message


@jobs.handler("ledger_import")
def run_import(job, progress) -> dict:
    ledger = get_ledger(job.params["ledger"])
    user = job.user
    if not user.is_active or not ledger.can_import(user):
        raise JobError(_("您已没有导入该台账的权限。"))
    reporter = CommittedProgress(job, progress)
    ctx = ImportContext(
        actor=user, org=job.org, valid_only=bool(job.params.get("valid_only")), progress=reporter
    )
    try:
        summary = import_file(ledger, job.input_file, ctx)
    except LedgerFileError as exc:
        raise JobError(str(exc)) from exc
    finally:
        reporter.close()
    return summary.as_dict()


class CommittedProgress:
    """Progress the user can watch while the import's one transaction is still open (PLT-5).

    Outside a transaction the job's own updater writes as usual. Inside it, PostgreSQL gets the update
    through a second, autocommitting connection; SQLite allows one writer at a time, so there the bar
    waits for the commit (it has already shown reading and checking, the longer part on SQLite).
    """

    def __init__(self, job, progress, every: float = 0.5):
        self.job, self.progress, self.every = job, progress, every
        self.side = None
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not connection.in_atomic_block:
            self.progress(done, total)
            return
        if connection.vendor != "postgresql":
            return
        now = time.monotonic()
        if now - self.last < self.every and done < total:
            return
        self.last = now
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        from fuqing.core.models import Job

        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Job._meta.db_table} SET progress = %s, total = %s WHERE id = %s",  # noqa: S608
                [done, total, self.job.pk],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


@jobs.handler("ledger_export")
def run_export(job, progress) -> dict:
    ledger = get_ledger(job.params["ledger"])
    user = job.user
    if not user.is_active or not ledger.can_export(user):
        raise JobError(_("您已没有导出该台账的权限。"))
    filters = job.params.get("filters", {})  # jobs queued before the filters were sealed
    if job.params.get("filters_sealed"):
        filters = open_params(job.params["filters_sealed"])
    with replica_reads(after_lsn=job.params.get(REPLICA_JOB_PARAM)):  # the replica, when caught up
        qs = ledger.filter(ledger.queryset(user), filters)
        path, count = export_to_file(ledger, user, queryset=qs)
    job.output_file = path
    job.output_name = job.params.get("filename", f"{ledger.title}.xlsx")
    job.save(update_fields=["output_file", "output_name"])
    return {"rows": count}


def remove_file(path: str) -> None:
    if path and os.path.exists(path):
        os.remove(path)
