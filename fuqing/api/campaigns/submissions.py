"""Submissions: list, read, upload (a new version replaces the current one) (CAM-2)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from ninja import Field, File, Form, Query, Schema, Status
from ninja.files import UploadedFile

from fuqing.api.campaigns.common import require_view, router
from fuqing.api.kit import YearQuery, paginate
from fuqing.api.types import Id
from fuqing.campaigns import submissions
from fuqing.campaigns.models import Obligation, Submission
from fuqing.core.routes import scoped
from fuqing.core.scoping import ensure_editable, get_visible_or_404

# --- submissions ----------------------------------------------------------------------------------


class SubmissionOut(Schema):
    id: int
    obligation: int = Field(alias="obligation_id")
    org: int = Field(alias="obligation.org_id")
    org_name: str = Field(alias="obligation.org.name")
    deadline: int = Field(alias="obligation.deadline_id")
    deadline_name: str = Field(alias="obligation.deadline.name")
    version: int
    is_current: bool
    late: bool = Field(alias="is_late")
    file_name: str
    file_size: int
    plan_version: int | None = Field(alias="plan_version_id")
    note: str
    submitted_at: datetime.datetime
    download_url: str | None

    @staticmethod
    def resolve_download_url(s):
        return reverse("campaigns:submission-file", args=[s.pk]) if s.has_file else None


class SubmissionQuery(YearQuery):
    deadline: Id | None = None
    org: Id | None = None
    current_only: bool = False


def _submissions(user):
    return Submission.objects.visible_to(user).select_related("obligation__org", "obligation__deadline")


@router.get("/submissions/", response=list[SubmissionOut], url_name="api-submission-list")
@paginate
@scoped(Submission, "list")
def list_submissions(request, filters: Query[SubmissionQuery]):
    """Submitted versions inside the caller's scope (newest first); the file downloads from download_url."""
    require_view(request.auth)
    qs = _submissions(request.auth)
    if filters.year:
        qs = qs.filter(obligation__deadline__campaign__year=filters.year)
    if filters.deadline:
        qs = qs.filter(obligation__deadline_id=filters.deadline)
    if filters.org:
        qs = qs.filter(obligation__org_id=filters.org)
    if filters.current_only:
        qs = qs.filter(is_current=True)
    if filters.q:
        q = filters.q
        qs = qs.filter(
            Q(note__icontains=q)
            | Q(file_name__icontains=q)
            | Q(obligation__org__name__icontains=q)
            | Q(obligation__deadline__name__icontains=q)
        )
    return qs.order_by("-submitted_at", "-pk")


@router.get("/submissions/{submission_id}/", response=SubmissionOut, url_name="api-submission-detail")
@scoped(Submission, "read", kwarg="submission_id")
def get_submission(request, submission_id: Id):
    submission = get_visible_or_404(_submissions(request.auth), request.auth, pk=submission_id)
    require_view(request.auth)
    return submission


@router.post("/submissions/", response={201: SubmissionOut}, url_name="api-submission-create")
@scoped(Submission, "create")
def create_submission(request, obligation: Form[Id], note: Form[str] = "", file: File[UploadedFile] = None):
    """Upload the unit's document for an obligation (multipart: obligation, file, note). Posting again
    for the same obligation replaces the current version; earlier versions stay (CAM-2)."""
    target = get_visible_or_404(
        Obligation.objects.select_related("deadline", "org"), request.auth, pk=obligation
    )
    ensure_editable(request.auth, target)
    submission = submissions.submit_document(request.auth, target, file, note)
    return Status(201, _submissions(request.auth).get(pk=submission.pk))
