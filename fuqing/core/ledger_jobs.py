"""Ledger imports and big exports as tracked jobs (PLT-5)."""

from __future__ import annotations

import hashlib
import os
import time

from django.db import DEFAULT_DB_ALIAS, IntegrityError, OperationalError, connection, connections
from django.utils.translation import gettext as _

from fuqing.core import jobs
from fuqing.core.crypto import open_params
from fuqing.core.ledger import ImportContext, LedgerFileError, export_to_file, get_ledger, import_file
from fuqing.core.models import Job
from fuqing.core.replica import JOB_PARAM as REPLICA_JOB_PARAM
from fuqing.core.replica import replica_reads


class JobError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.user_message = message


def input_digest(ledger_name: str, org_id, path: str) -> str:
    """What an import is: the register, the unit and the file's bytes. Two jobs with the same digest
    cannot be queued or running at once (``Job`` constraint), so an import is never run twice side by
    side — the second submission is told the first is under way."""
    digest = hashlib.sha256(f"{ledger_name}:{org_id}:".encode())
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def start_import(user, org, ledger, title: str, path: str, valid_only: bool):
    """Start an import job on a spooled file; ``jobs.JobBusy`` (the spooled file removed) when the same
    file is already being imported into the same unit."""
    try:
        return jobs.start(
            user,
            org,
            "ledger_import",
            title,
            params={"ledger": ledger.name, "valid_only": valid_only},
            input_file=path,
            input_digest=input_digest(ledger.name, org.pk, path),
        )
    except jobs.JobBusy:
        remove_file(path)
        raise


@jobs.handler("ledger_import")
def run_import(job, progress) -> dict:
    ledger = get_ledger(job.params["ledger"])
    user = job.user
    if not user.is_active or not ledger.can_import(user):
        raise JobError(_("您已没有导入该台账的权限。"))
    if not job.input_file or not os.path.exists(job.input_file):
        raise JobError(_("要导入的文件已不存在（已被另一次导入使用或已过期），请重新上传。"))
    reporter = CommittedProgress(job, progress)
    valid_only = bool(job.params.get("valid_only"))
    ctx = ImportContext(actor=user, org=job.org, valid_only=valid_only, progress=reporter)
    try:
        summary = import_file(ledger, job.input_file, ctx)
    except LedgerFileError as exc:
        raise JobError(str(exc)) from exc
    except IntegrityError as exc:  # a row written meanwhile by someone else: the import rolled back
        raise JobError(
            _("导入时与同时进行的另一次导入或录入冲突（有记录已被登记），没有导入任何数据。请稍后重新导入。")
        ) from exc
    except OperationalError as exc:  # e.g. SQLite's "database is locked" after the busy timeout
        raise JobError(_("数据库繁忙，导入没有完成，没有导入任何数据。请稍后重新导入。")) from exc
    finally:
        reporter.close()
    result = summary.as_dict()
    # the file is kept only while the user may still choose "import the valid rows only" (RPT-3)
    result["keeps_input"] = bool(
        not summary.written and summary.error_count and summary.valid_rows and not valid_only
    )
    return result


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
        path, count = export_to_file(
            ledger, user, queryset=qs, year=job.params.get("year"), progress=progress
        )
    job.output_file = path
    job.output_name = job.params.get("filename", f"{ledger.title}.xlsx")
    job.save(update_fields=["output_file", "output_name"])
    return {"rows": count}


def remove_file(path: str) -> None:
    if path and os.path.exists(path):
        os.remove(path)
