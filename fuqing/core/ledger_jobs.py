"""Ledger imports and big exports as tracked jobs (PLT-5)."""

from __future__ import annotations

import os

from django.utils.translation import gettext as _

from fuqing.core import jobs
from fuqing.core.ledger import ImportContext, LedgerFileError, export_to_file, get_ledger, import_file


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
    ctx = ImportContext(
        actor=user, org=job.org, valid_only=bool(job.params.get("valid_only")), progress=progress
    )
    try:
        summary = import_file(ledger, job.input_file, ctx)
    except LedgerFileError as exc:
        raise JobError(str(exc)) from exc
    return summary.as_dict()


@jobs.handler("ledger_export")
def run_export(job, progress) -> dict:
    ledger = get_ledger(job.params["ledger"])
    user = job.user
    if not user.is_active or not ledger.can_export(user):
        raise JobError(_("您已没有导出该台账的权限。"))
    qs = ledger.filter(ledger.queryset(user), job.params.get("filters", {}))
    path, count = export_to_file(ledger, user, queryset=qs)
    job.output_file = path
    job.output_name = job.params.get("filename", f"{ledger.title}.xlsx")
    job.save(update_fields=["output_file", "output_name"])
    return {"rows": count}


def remove_file(path: str) -> None:
    if path and os.path.exists(path):
        os.remove(path)
