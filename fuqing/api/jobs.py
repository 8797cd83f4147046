"""Ledger imports and background jobs in the API (RPT-3, PLT-5)."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from fuqing.api.kit import NotVisible
from fuqing.core import jobs, ledger_jobs, uploads
from fuqing.core.ledger import get_ledger
from fuqing.core.models import Job
from fuqing.core.routes import scoped, unscoped
from fuqing.core.scoping import get_visible_or_404
from fuqing.orgs.models import Org

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: uuid.UUID
    kind: str
    title: str
    status: str
    progress: int
    total: int
    percent: int
    result: dict
    error: str


def resolve_org(user, value: str) -> Org:
    """An organisation the user may write to, by id or division code."""
    qs = Org.objects.editable_by(user).filter(is_active=True)
    org = qs.filter(division_code=value).first() if not value.isdigit() or len(value) >= 6 else None
    if org is None and value.isdigit():
        org = qs.filter(pk=int(value)).first()
    if org is None:
        raise NotVisible("org", _("找不到可导入的单位：%(v)s") % {"v": value})
    return org


@router.post("/imports/{register_name}/", response={202: JobOut}, url_name="api-import")
@unscoped("the path names a register, not an object; the target org is resolved within the edit scope")
def start_import(
    request,
    register_name: str,
    org: Form[str],
    valid_only: Form[bool] = False,
    file: File[UploadedFile] = None,
):
    """Import a register's Excel ledger as a background job; poll GET /jobs/{id}/ for the summary."""
    try:
        ledger = get_ledger(register_name)
    except LookupError:
        raise HttpError(404, _("没有名为 %(r)s 的台账。") % {"r": register_name}) from None
    if not ledger.supports_import() or not ledger.can_import(request.auth):
        raise PermissionDenied(_("您没有导入该台账的权限。"))
    if file is None:
        raise ValidationError({"file": _("请上传文件（字段 file）。")})
    target = resolve_org(request.auth, org)
    try:
        uploads.SPREADSHEETS.check(file)
    except uploads.UploadError as exc:
        raise ValidationError({"file": str(exc)}) from None
    try:
        job = ledger_jobs.start_import(
            request.auth,
            target,
            ledger,
            _("导入%(t)s：%(f)s") % {"t": ledger.title, "f": (file.name or "")[:100]},
            uploads.spool(file),
            valid_only=valid_only,
        )
    except jobs.JobBusy as exc:  # the same file is already being imported into this unit
        raise HttpError(409, exc.user_message) from None
    return Status(202, job)


@router.get("/jobs/{job_id}/", response=JobOut, url_name="api-job-detail")
@scoped(Job, "read", kwarg="job_id")
def get_job(request, job_id: str):
    """Status, progress and (when finished) the summary of one of the caller's jobs."""
    job = get_visible_or_404(Job, request.auth, pk=job_id)
    if job.user_id != request.auth.pk:
        raise Http404
    return job
