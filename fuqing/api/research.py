"""The research part of the API (PLT-3): topics, reports with their workflow, Qiushi Cup scores.

The same services and scoping as the pages: out-of-scope ids answer 404, rule violations 422 with the
Chinese message per field, missing permissions 403. Scores are blind: a judge reads only her own sheets.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from fuqing.api.kit import NotVisible, YearQuery, paginate, query_schema, ref
from fuqing.api.types import Count, Id, Score, Year
from fuqing.core import figures
from fuqing.core.forms import not_in_scope
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404, resolve_input
from fuqing.orgs.models import Org, User
from fuqing.research.filters import ReportFilter
from fuqing.research.models import SECTIONS, Entry, Report, ScoreSheet, Topic
from fuqing.research.models import Score as ScoreModel
from fuqing.research.services import cup as cup_services
from fuqing.research.services import reports as report_services
from fuqing.research.services import topics as topic_services

router = Router(tags=["research"])


# --- topics (RES-1) ---------------------------------------------------------------------------------


class TopicOut(Schema):
    id: int
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    year: int
    title: str
    description: str
    leader: int = Field(alias="leader_id")
    leader_name: str = Field(alias="leader.display_name")
    members: str


class TopicIn(Schema):
    org: Id
    year: Year
    title: str
    leader: Id
    description: str = ""
    members: str = ""


class TopicPatch(Schema):
    year: Year | None = None
    title: str | None = None
    leader: Id | None = None
    description: str | None = None
    members: str | None = None


def _leader(actor, org: Org, pk: int | None) -> User | None:
    """The leader by id among those eligible for the unit; another user in the caller's scope gets the
    rule's message (422); anyone else is 404 like any foreign id (SEC-2: the answer names nobody)."""
    if pk is None:
        return None
    user = topic_services.eligible_leaders(org).filter(pk=pk).first()
    user = user or resolve_input(User.objects.filter(is_active=True), actor, pk)
    if user is None:
        raise NotVisible("leader", not_in_scope(_("课题组组长")))
    return user


@router.get("/topics/", response=list[TopicOut], url_name="api-research-topics")
@paginate
@scoped(Topic, "list")
def list_topics(request, filters: Query[YearQuery]):
    """Key research topics the caller sees (RES-1)."""
    qs = (
        Topic.objects.visible_to(request.auth)
        .select_related("org", "leader")
        .order_by("-year", "org__path", "id")
    )
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(org__name__icontains=filters.q))
    return qs


@router.get("/topics/{topic_id}/", response=TopicOut, url_name="api-research-topic")
@scoped(Topic, "read", kwarg="topic_id")
def get_topic(request, topic_id: Id):
    return get_visible_or_404(Topic.objects.select_related("org", "leader"), request.auth, pk=topic_id)


@router.post("/topics/", response={201: TopicOut}, url_name="api-research-topic-create")
@scoped(Topic, "create")
def create_topic(request, payload: TopicIn):
    """Set a key topic; the leader must be the city's chair or a vice-chair (departments) or the
    district's chair (districts)."""
    org = ref(Org, request.auth, payload.org, "org", "单位")
    topic = topic_services.create_topic(
        request.auth,
        org=org,
        year=payload.year,
        title=payload.title,
        leader=_leader(request.auth, org, payload.leader),
        description=payload.description,
        members=payload.members,
    )
    return Status(201, topic)


@router.patch("/topics/{topic_id}/", response=TopicOut, url_name="api-research-topic-update")
@scoped(Topic, "change", kwarg="topic_id")
def update_topic(request, topic_id: Id, payload: TopicPatch):
    topic = get_visible_or_404(Topic.objects.select_related("org", "leader"), request.auth, pk=topic_id)
    data = payload.dict(exclude_unset=True)
    return topic_services.update_topic(
        request.auth,
        topic,
        year=data.get("year", topic.year),
        title=data.get("title", topic.title),
        leader=_leader(request.auth, topic.org, data["leader"]) if "leader" in data else topic.leader,
        description=data.get("description", topic.description),
        members=data.get("members", topic.members),
    )


# --- reports (RES-2, RES-3) ---------------------------------------------------------------------------


class FigureOut(Schema):
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    total: float | int | None
    unit: str
    note: str


class EventOut(Schema):
    kind: str
    at: datetime.datetime
    actor: str = Field(alias="actor_name")
    from_status: str
    to_status: str
    comment: str


class ReportOut(Schema):
    id: int
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    year: int
    title: str
    authors: str
    topic: int | None = Field(alias="topic_id")
    status: str
    status_label: str = Field(alias="get_status_display")
    situation: str
    analysis: str
    recommendations: str
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    recommended_at: datetime.datetime | None


class ReportDetail(ReportOut):
    visits: list[str]
    needs: list[str]
    figures: list[FigureOut] = Field(alias="shown_figures")
    figures_as_of: datetime.datetime | None  # set once submitted: the figures are frozen as of then
    events: list[EventOut]
    actions: list[str] = Field(alias="allowed_actions")

    @staticmethod
    def resolve_visits(r):
        return [str(pk) for pk in r.visits.values_list("pk", flat=True)]

    @staticmethod
    def resolve_needs(r):
        return [str(pk) for pk in r.needs.values_list("pk", flat=True)]


ReportQuery = query_schema(ReportFilter)


class ReportIn(Schema):
    org: Id
    year: Year
    title: str
    authors: str = ""
    topic: Id | None = None
    situation: str
    analysis: str
    recommendations: str
    visits: list[str] | None = None
    needs: list[str] | None = None


class ReportPatch(Schema):
    year: Year | None = None
    title: str | None = None
    authors: str | None = None
    topic: Id | None = None
    situation: str | None = None
    analysis: str | None = None
    recommendations: str | None = None
    visits: list[str] | None = None
    needs: list[str] | None = None


class TransitionIn(Schema):
    action: str = ""
    comment: str = ""


def report_detail(r: Report, user) -> Report:
    """The report with its evidence, timeline, the actions open to the caller and its figures — live in a
    draft, as submitted afterwards (the same rule as the page, the Word file and the book)."""
    from fuqing.research import markup

    scope = report_services.figure_scope(r, user)
    keys = dict.fromkeys(k for _f, _l, _h in SECTIONS for k in markup.figure_keys(getattr(r, _f)))
    found = [(k, figures.compute(k, scope)) for k in keys]
    r.shown_figures = [
        {
            "key": k,
            "title": f.caption,
            "headers": f.headers,
            "rows": f.breakdown,
            "total": float(f.value) if isinstance(f.value, Decimal) else f.value,
            "unit": f.unit,
            "note": f.note,
        }
        for k, f in found
        if f is not None
    ]
    r.allowed_actions = report_services.allowed_actions(user, r)
    return r


def _topic(user, pk: int | None) -> Topic | None:
    if pk is None:
        return None
    return ref(Topic, user, pk, "topic", "重点调研课题")


@router.get("/reports/", response=list[ReportOut], url_name="api-research-reports")
@paginate
@scoped(Report, "list")
def list_reports(request, filters: Query[ReportQuery]):
    """Research reports the caller sees (RES-2), with the list page's own filters."""
    qs = Report.objects.visible_to(request.auth).select_related("org").order_by("-year", "org__path", "id")
    return ReportFilter.strict(filters.dict(), request.auth).apply(qs)


@router.get("/reports/{report_id}/", response=ReportDetail, url_name="api-research-report")
@scoped(Report, "read", kwarg="report_id")
def get_report(request, report_id: Id):
    report = get_visible_or_404(Report.objects.select_related("org"), request.auth, pk=report_id)
    return report_detail(report, request.auth)


@router.post("/reports/", response={201: ReportDetail}, url_name="api-research-report-create")
@scoped(Report, "create")
def create_report(request, payload: ReportIn):
    """Write a draft: situation, analysis and recommendations are all required (RES-2)."""
    org = ref(Org, request.auth, payload.org, "org", "单位")
    data = payload.dict()
    report = report_services.create_report(
        request.auth,
        org=org,
        year=data["year"],
        topic=_topic(request.auth, data["topic"]),
        **{k: data[k] for k in ("title", "authors", "situation", "analysis", "recommendations")},
    )
    if data["visits"] is not None or data["needs"] is not None:
        report_services.set_evidence(request.auth, report, visits=data["visits"], needs=data["needs"])
    return Status(201, report_detail(report, request.auth))


@router.patch("/reports/{report_id}/", response=ReportDetail, url_name="api-research-report-update")
@scoped(Report, "change", kwarg="report_id")
def update_report(request, report_id: Id, payload: ReportPatch):
    """Change a draft; a submitted report answers 422 until it is sent back (RES-3)."""
    report = get_visible_or_404(Report.objects.select_related("org", "topic"), request.auth, pk=report_id)
    data = payload.dict(exclude_unset=True)
    fields = ("title", "authors", "situation", "analysis", "recommendations")
    report = report_services.update_report(
        request.auth,
        report,
        year=data.get("year", report.year),
        topic=_topic(request.auth, data["topic"]) if "topic" in data else report.topic,
        **{k: data.get(k, getattr(report, k)) for k in fields},
    )
    if "visits" in data or "needs" in data:
        report_services.set_evidence(request.auth, report, visits=data.get("visits"), needs=data.get("needs"))
    return report_detail(report, request.auth)


@router.post(
    "/reports/{report_id}/transitions/", response=ReportDetail, url_name="api-research-report-transition"
)
@scoped(Report, "change", kwarg="report_id")
def transition_report(request, report_id: Id, payload: TransitionIn):
    """A workflow step by role: submit, withdraw, return (comment required), review, recommend — or
    comment (RES-3)."""
    report = get_visible_or_404(Report.objects.select_related("org"), request.auth, pk=report_id)
    if payload.action == "comment":
        report_services.add_comment(request.auth, report, payload.comment)
    else:
        report = report_services.transition(request.auth, report, payload.action, payload.comment)
    return report_detail(report, request.auth)


# --- Qiushi Cup scores (RES-4) --------------------------------------------------------------------


class ScoreItem(Schema):
    criterion: Id
    name: str = ""
    weight: Count = 0
    value: Score


class SheetOut(Schema):
    id: int
    competition: int = Field(alias="entry.competition_id")
    entry: int = Field(alias="entry_id")
    code: str = Field(alias="entry.code")
    title: str = Field(alias="entry.report.title")
    judge: int = Field(alias="judge.user_id")
    judge_name: str = Field(alias="judge.user.display_name")
    comment: str
    total: float
    scores: list[ScoreItem]

    @staticmethod
    def resolve_total(sheet):
        return float(cup_services.sheet_total(sheet))

    @staticmethod
    def resolve_scores(sheet):
        return [
            {
                "criterion": s.criterion_id,
                "name": s.criterion.name,
                "weight": s.criterion.weight,
                "value": s.value,
            }
            for s in sheet.scores.all()
        ]


class SheetIn(Schema):
    entry: Id
    scores: list[ScoreItem]
    comment: str = ""


class SheetPatch(Schema):
    scores: list[ScoreItem] | None = None
    comment: str | None = None


SHEETS = ScoreSheet.objects.select_related("entry__report", "judge__user").prefetch_related(
    Prefetch(
        "scores", queryset=ScoreModel.objects.select_related("criterion").order_by("criterion__position")
    )
)


@router.get("/scores/", response=list[SheetOut], url_name="api-research-scores")
@paginate
@scoped(ScoreSheet, "list")
def list_scores(request, filters: Query[YearQuery], competition: Id | None = None):
    """Score sheets: the organiser sees all of a competition's; a judge only her own (blind)."""
    qs = SHEETS.visible_to(request.auth).order_by("entry__competition", "entry__code", "judge")
    if competition:
        qs = qs.filter(entry__competition=competition)
    if filters.q:
        qs = qs.filter(Q(entry__code=filters.q[:8]) | Q(comment__icontains=filters.q))
    return qs


@router.get("/scores/{sheet_id}/", response=SheetOut, url_name="api-research-score")
@scoped(ScoreSheet, "read", kwarg="sheet_id")
def get_score(request, sheet_id: Id):
    return get_visible_or_404(SHEETS, request.auth, pk=sheet_id)


@router.post("/scores/", response={201: SheetOut}, url_name="api-research-score-create")
@scoped(ScoreSheet, "create")
def create_score(request, payload: SheetIn):
    """A judge scores an entry: every criterion 0–100; never an entry of her own unit (403)."""
    entry = get_visible_or_404(
        Entry.objects.select_related("competition", "report__org"), request.auth, pk=payload.entry
    )
    sheet = cup_services.score(
        request.auth, entry, {s.criterion: Decimal(str(s.value)) for s in payload.scores}, payload.comment
    )
    return Status(201, SHEETS.get(pk=sheet.pk))


@router.patch("/scores/{sheet_id}/", response=SheetOut, url_name="api-research-score-update")
@scoped(ScoreSheet, "change", kwarg="sheet_id")
def update_score(request, sheet_id: Id, payload: SheetPatch):
    sheet = get_visible_or_404(
        SHEETS.select_related("entry__competition", "entry__report__org"), request.auth, pk=sheet_id
    )
    if sheet.judge.user_id != request.auth.pk:
        raise PermissionDenied("只能修改自己的评分。")
    values = {s.criterion_id: s.value for s in sheet.scores.all()}
    if payload.scores is not None:
        values.update({s.criterion: Decimal(str(s.value)) for s in payload.scores})
    sheet = cup_services.score(
        request.auth, sheet.entry, values, sheet.comment if payload.comment is None else payload.comment
    )
    return SHEETS.get(pk=sheet.pk)
