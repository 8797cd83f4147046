"""Pages of submissions and timeliness (CAM-2); the reminders are core's 我的提醒 page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.campaigns import submissions
from fuqing.campaigns.filters import ObligationFilter
from fuqing.campaigns.forms import SubmissionForm
from fuqing.campaigns.models import Obligation, ObligationStatus, Submission
from fuqing.campaigns.summaries import can_draft, start_draft
from fuqing.core import uploads
from fuqing.core.context_processors import current_campaign
from fuqing.core.models import Job
from fuqing.core.replica import replica_view
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404, user_scope
from fuqing.orgs.models import Org, OrgKind

STATUS_CSS = {
    ObligationStatus.ON_TIME: "success",
    ObligationStatus.LATE: "warning",
    ObligationStatus.MISSING: "danger",
    ObligationStatus.PENDING: "secondary",
}


def org_param(request, name: str = "org") -> Org | None:
    """The unit a list is asked for (``?org=``): one outside the user's scope answers 404 — never the
    user's own rows shown as if they were that unit's."""
    raw = request.GET.get(name, "")
    if raw.isdigit():
        return get_visible_or_404(Org, request.user, pk=int(raw))
    return None


def require_view(user) -> None:
    if not user.has_module_perm("campaigns", "view"):
        raise PermissionDenied(_("您没有查看活动与报送的权限。"))


def row(obligation: Obligation, today) -> dict:
    status = obligation.status(today)
    return {
        "o": obligation,
        "status": status,
        "status_label": ObligationStatus(status).label,
        "css": STATUS_CSS[status],
        "days_late": obligation.days_late,
        "days_left": obligation.days_left(today),
    }


def _rollup_root(user, campaign) -> Org:
    """Where the table starts: the campaign's federation when the user sees all of it, else her unit."""
    if user_scope(user).covers(campaign.org.path):
        return campaign.org
    return user.org


@replica_view  # a dashboard: may be read from the replica
@scoped(Obligation, "list")
def status_view(request):
    """报送情况: what my unit owes, and completeness / timeliness down the tree (CAM-2)."""
    require_view(request.user)
    user = request.user
    campaign = current_campaign(request)
    today = timezone.localdate()
    context = {"campaign": campaign, "today": today}
    asked = org_param(request, "under") or org_param(request)  # outside the scope: 404 before anything
    if campaign is None or user.org_id is None:
        return render(request, "campaigns/status.html", {**context, "campaign": None})
    base = submissions.campaign_obligations(user, campaign)
    deadlines = list(campaign.deadlines.all())
    mine = [row(o, today) for o in base.filter(org=user.org).select_related("deadline", "org")]
    under = asked or _rollup_root(user, campaign)
    selected = request.GET.get("deadline", "")
    scoped_base = base.filter(deadline_id=int(selected)) if selected.isdigit() else base
    branches = submissions.counts_by_branch(scoped_base, under, today)
    params = request.GET.copy()
    params["under"] = str(under.pk)
    flt = ObligationFilter(params, user)  # the table's filters, as its ledger and the API take them
    filtered = flt.apply(base, today=today)
    q = (flt.data.get("q") or "").strip()
    page = Paginator(submissions.table_rows(filtered), 50).get_page(request.GET.get("page"))
    params.pop("page", None)
    export_params = {k: v for k, v in params.items() if k in ObligationFilter.form_class.base_fields}
    export_params["year"] = campaign.year
    context.update(
        {
            "deadlines": deadlines,
            "counts": submissions.counts_by_deadline(base, today),
            "mine": mine,
            "under": under,
            "lineage": Org.objects.visible_to(user).filter(path__in=under.ancestor_paths()).order_by("depth"),
            "branches": branches,
            "rows": [row(o, today) for o in page.object_list],
            "page": page,
            "querystring": params.urlencode(),
            "filters": {
                "deadline": str(flt.data.get("deadline") or ""),
                "status": flt.data.get("status", ""),
                "kind": flt.data.get("kind", ""),
                "q": q,
            },
            "flt": flt,
            "problems": flt.problems,
            "statuses": ObligationStatus.choices,
            "kinds": [(k, OrgKind(k).label) for k in OrgKind.values],
            "export_url": reverse("ledger-export-submissions") + "?" + urlencode(export_params),
            "can_export": user.has_module_perm("campaigns", "export"),
        }
    )
    return render(request, "campaigns/status.html", context)


def _obligation(request, pk) -> Obligation:
    return get_visible_or_404(
        Obligation.objects.select_related("deadline__campaign", "org"), request.user, pk=pk
    )


def _detail(request, obligation: Obligation, form=None, status: int = 200):
    today = timezone.localdate()
    user = request.user
    allowed = submissions.can_submit(user, obligation)
    drafts = []
    if obligation.deadline.is_summary:
        drafts = Job.objects.visible_to(user).filter(
            user=user, kind="campaign_summary", params__obligation=obligation.pk
        )[:5]
    return render(
        request,
        "campaigns/obligation_detail.html",
        {
            "item": row(obligation, today),
            "deadline": obligation.deadline,
            "versions": obligation.submissions.select_related("submitted_by", "plan_version").order_by(
                "-version"
            ),
            "form": form or (SubmissionForm(accept=uploads.DOCUMENTS.accept) if allowed else None),
            "can_submit": allowed,
            "can_draft": allowed and obligation.deadline.is_summary,
            "drafts": drafts,
            "types": uploads.DOCUMENTS.types_label,
        },
        status=status,
    )


@scoped(Obligation, "read")
def obligation_detail(request, pk):
    obligation = _obligation(request, pk)
    require_view(request.user)
    return _detail(request, obligation)


@require_POST
@scoped(Obligation, "change")
def obligation_submit(request, pk):
    """Upload (or replace) the unit's document for a deadline (CAM-2)."""
    obligation = _obligation(request, pk)
    if not submissions.can_submit(request.user, obligation):
        raise PermissionDenied(_("您不能替该单位报送此事项。"))
    form = SubmissionForm(request.POST, request.FILES, accept=uploads.DOCUMENTS.accept)
    if form.is_valid():
        try:
            submission = submissions.submit_document(
                request.user, obligation, form.cleaned_data["file"], form.cleaned_data["note"]
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            if submission.version > 1:
                messages.success(
                    request,
                    _("已报送新版本（第 %(v)d 版），原版本保留在历史中。") % {"v": submission.version},
                )
            else:
                messages.success(request, _("已报送。"))
            return redirect("campaigns:obligation", pk=obligation.pk)
    return _detail(request, obligation, form=form)


@require_POST
@scoped(Obligation, "change")
def obligation_draft(request, pk):
    """Ask for the Word draft of the summary this deadline wants (SUP-3); it is made in the background."""

    obligation = _obligation(request, pk)
    if not can_draft(request.user, obligation):
        raise PermissionDenied(_("您不能为该单位生成总结初稿。"))
    job = start_draft(request.user, obligation)
    return redirect("job-detail", pk=job.pk)


@scoped(Submission, "read")
def submission_download(request, pk):
    submission = get_visible_or_404(Submission.objects.select_related("obligation"), request.user, pk=pk)
    require_view(request.user)
    if not submission.has_file:
        raise Http404
    return uploads.private_download(submission.file_path, submission.file_name, submission.content_type)
