"""Deadlines and who owes them (CAM-1, CAM-2), and the completeness table (obligations)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from fuqing.api.campaigns.common import require_view, router
from fuqing.api.kit import Paging, Rows, YearQuery, page, paginate, query_schema, ref, refs
from fuqing.api.types import Count, Day, Id
from fuqing.campaigns import services, submissions
from fuqing.campaigns.filters import ObligationFilter
from fuqing.campaigns.models import Campaign, Deadline, Obligation, ObligationStatus
from fuqing.core.routes import scoped
from fuqing.core.scoping import ensure_editable, get_visible_or_404
from fuqing.orgs.models import Org

# --- deadlines ------------------------------------------------------------------------------------


class CountsOut(Schema):
    owed: int
    on_time: int
    late: int
    missing: int
    pending: int


class DeadlineOut(Schema):
    id: int
    campaign: int = Field(alias="campaign_id")
    year: int
    code: str
    name: str
    kind: str
    due_on: datetime.date
    description: str
    owed_by_kinds: list[str]
    owed_by_orgs: list[int] = Field(alias="named_orgs")
    remind_days_before: int
    counts: CountsOut | None = Field(alias="scope_counts")  # within the caller's scope

    @staticmethod
    def resolve_year(deadline):
        return deadline.campaign.year

    @staticmethod
    def resolve_owed_by_kinds(deadline):
        return deadline.owed_by_kinds or []


class DeadlineIn(Schema):
    campaign: Id
    code: str
    name: str
    due_on: Day
    kind: str = "document"
    description: str = ""
    owed_by_kinds: list[str] = []
    owed_by_orgs: list[Id] = []
    remind_days_before: Count = 7


class DeadlinePatch(Schema):
    code: str | None = None
    name: str | None = None
    due_on: Day | None = None
    kind: str | None = None
    description: str | None = None
    owed_by_kinds: list[str] | None = None
    owed_by_orgs: list[Id] | None = None
    remind_days_before: Count | None = None


def with_counts(user):
    """The page's completeness counts (one grouped query) and named units (one query)."""

    def prepare(deadlines: list[Deadline]) -> list[Deadline]:
        obligations = Obligation.objects.visible_to(user).filter(is_owed=True, deadline__in=deadlines)
        counts = submissions.counts_by_deadline(obligations, timezone.localdate())
        named = {}
        for deadline_id, org_id in Deadline.owed_by_orgs.through.objects.filter(
            deadline__in=deadlines
        ).values_list("deadline_id", "org_id"):
            named.setdefault(deadline_id, []).append(org_id)
        for d in deadlines:
            d.named_orgs = named.get(d.pk, [])
            d.scope_counts = counts[d.pk].__dict__ if d.pk in counts else None
        return deadlines

    return prepare


@router.get("/deadlines/", response=list[DeadlineOut], url_name="api-deadline-list")
@paginate
@scoped(Deadline, "list")
def list_deadlines(request, filters: Query[YearQuery]):
    """Deadlines of the campaigns the caller sees, with completeness counts inside her scope."""
    require_view(request.auth)
    qs = Deadline.objects.visible_to(request.auth).select_related("campaign").order_by("due_on", "pk")
    if filters.year:
        qs = qs.filter(campaign__year=filters.year)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(code=filters.q[:40]))
    return Rows(qs, with_counts(request.auth))


@router.get("/deadlines/{deadline_id}/", response=DeadlineOut, url_name="api-deadline-detail")
@scoped(Deadline, "read", kwarg="deadline_id")
def get_deadline(request, deadline_id: Id):
    deadline = get_visible_or_404(Deadline.objects.select_related("campaign"), request.auth, pk=deadline_id)
    require_view(request.auth)
    return with_counts(request.auth)([deadline])[0]


def _orgs(user, ids: list[int]) -> list[Org]:
    return refs(Org, user, ids, "owed_by_orgs", "报送单位")


@router.post("/deadlines/", response={201: DeadlineOut}, url_name="api-deadline-create")
@scoped(Deadline, "create")
def create_deadline(request, payload: DeadlineIn):
    """Add a deadline to a campaign and say who owes it (system administrators of the organiser)."""
    campaign = get_visible_or_404(Campaign, request.auth, edit=True, pk=payload.campaign)
    data = payload.dict(exclude={"campaign", "owed_by_orgs"})
    deadline = services.save_deadline(
        request.auth,
        Deadline(campaign=campaign),
        owed_by_orgs=_orgs(request.auth, payload.owed_by_orgs),
        **data,
    )
    return Status(201, with_counts(request.auth)([deadline])[0])


@router.patch("/deadlines/{deadline_id}/", response=DeadlineOut, url_name="api-deadline-update")
@scoped(Deadline, "change", kwarg="deadline_id")
def update_deadline(request, deadline_id: Id, payload: DeadlinePatch):
    """Change a deadline or who owes it; the obligations follow."""
    deadline = get_visible_or_404(
        Deadline.objects.select_related("campaign__org"), request.auth, pk=deadline_id
    )
    ensure_editable(request.auth, deadline)
    data = payload.dict(exclude_unset=True)
    orgs = data.pop("owed_by_orgs", None)
    deadline = services.save_deadline(
        request.auth,
        deadline,
        owed_by_orgs=_orgs(request.auth, orgs) if orgs is not None else None,
        **{k: v for k, v in data.items() if v is not None},
    )
    return with_counts(request.auth)([deadline])[0]


# --- obligations: the completeness / timeliness table ---------------------------------------------


class ObligationOut(Schema):
    id: int
    deadline: int = Field(alias="deadline_id")
    deadline_name: str = Field(alias="deadline.name")
    due_on: datetime.date = Field(alias="deadline.due_on")
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    status: str
    status_label: str
    days_late: int
    first_submitted_at: datetime.datetime | None
    last_submitted_at: datetime.datetime | None
    versions: int

    @staticmethod
    def resolve_status(o):
        return o.status(timezone.localdate())

    @staticmethod
    def resolve_status_label(o):
        return str(ObligationStatus(o.status(timezone.localdate())).label)


class ObligationPage(Schema):
    count: int
    counts: CountsOut
    items: list[ObligationOut]


class ObligationQuery(query_schema(ObligationFilter), Paging):
    pass


@router.get("/obligations/", response=ObligationPage, url_name="api-obligation-list")
@scoped(Obligation, "list")
def list_obligations(request, filters: Query[ObligationQuery]):
    """Who owes what and whether it came on time, late, or not at all (CAM-2), inside the caller's scope;
    the completeness table's own filters (its page's and its ledger's) and its counts."""
    require_view(request.auth)
    today = timezone.localdate()
    if filters.under:
        ref(Org, request.auth, filters.under, "under", "单位")  # a foreign unit is 404
    qs = Obligation.objects.visible_to(request.auth).filter(is_owed=True)
    flt = ObligationFilter.strict(filters.dict(exclude={"limit", "offset"}), request.auth)
    qs = flt.apply(qs, today=today)
    return page(submissions.table_rows(qs), filters, counts=qs.status_counts(today))


@router.get("/obligations/{obligation_id}/", response=ObligationOut, url_name="api-obligation-detail")
@scoped(Obligation, "read", kwarg="obligation_id")
def get_obligation(request, obligation_id: Id):
    obligation = get_visible_or_404(
        Obligation.objects.select_related("deadline", "org"), request.auth, pk=obligation_id
    )
    require_view(request.auth)
    return obligation
