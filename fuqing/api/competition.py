"""The 求实杯 (Qiushi Cup, RES-4) in the API (PLT-3): competitions with their criteria and awards,
judges, entries, and publishing the results. Score sheets are in ``api/research`` (``/scores/``).

The same services as the pages (``research.services.cup``): the organiser (``research.edit`` over
the competition's unit) manages it; entries are blind — a caller who does not organise a competition
sees an entry's code and title, its unit and totals only once the results are published; a judge is
someone who can read the whole federation and never an administrator account, and never scores her
own unit (the score operation refuses it, 403).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Field, ModelSchema, Query, Router, Schema, Status

from fuqing.api.kit import Rows, paginate, ref, refs
from fuqing.api.types import Id, Year, require_fields
from fuqing.core.permissions import require
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404
from fuqing.orgs.models import Org, User
from fuqing.research.models import Competition, Entry, Judge, Report
from fuqing.research.services import cup

router = Router(tags=["research"])


def require_view(user) -> None:
    require(user, "research", "view")


class CupQuery(Schema):
    q: str | None = Field(None, max_length=50)
    year: Year | None = None
    competition: Id | None = None


# --- competitions ---------------------------------------------------------------------------------


class CriterionOut(Schema):
    id: int
    name: str
    weight: int


class CompetitionOut(ModelSchema):
    org_name: str
    is_closed: bool
    criteria: list[CriterionOut]

    class Meta:
        model = Competition
        fields = [
            "id",
            "org",
            "year",
            "name",
            "first_prizes",
            "second_prizes",
            "third_prizes",
            "excellence_prizes",
            "closed_at",
        ]

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_criteria(obj) -> list:
        return list(obj.criteria.all())


class CompetitionIn(Schema):
    year: Year
    org: Id = Field(description="主办单位（一般为研究室）")
    name: str = Field("“求实杯”调研成果评选", max_length=100)
    first_prizes: int = Field(1, ge=0, le=500)
    second_prizes: int = Field(2, ge=0, le=500)
    third_prizes: int = Field(3, ge=0, le=500)
    excellence_prizes: int = Field(5, ge=0, le=500)


class CompetitionPatch(Schema):
    name: str | None = Field(None, max_length=100)
    first_prizes: int | None = Field(None, ge=0, le=500)
    second_prizes: int | None = Field(None, ge=0, le=500)
    third_prizes: int | None = Field(None, ge=0, le=500)
    excellence_prizes: int | None = Field(None, ge=0, le=500)


class CriterionIn(Schema):
    name: str = Field(max_length=50)
    weight: int = Field(ge=1, le=100)


class CriteriaIn(Schema):
    criteria: list[CriterionIn] | None = Field(None, max_length=50)


class PublishIn(Schema):
    publish: bool = True


PRIZES = ("first_prizes", "second_prizes", "third_prizes", "excellence_prizes")


def _competitions(user):
    return Competition.objects.visible_to(user).select_related("org").prefetch_related("criteria")


def _managed(request, competition_id: int) -> Competition:
    competition = get_visible_or_404(_competitions(request.auth), request.auth, pk=competition_id)
    cup.require_manage(request.auth, competition)
    return competition


@router.get("/competitions/", response=list[CompetitionOut], url_name="api-competition-list")
@paginate
@scoped(Competition, "list")
def list_competitions(request, filters: Query[CupQuery]):
    """The competitions of the caller's scope, newest year first."""
    require_view(request.auth)
    qs = _competitions(request.auth).order_by("-year", "org__path")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    return qs


@router.get("/competitions/{competition_id}/", response=CompetitionOut, url_name="api-competition-detail")
@scoped(Competition, "read", kwarg="competition_id")
def get_competition(request, competition_id: Id):
    competition = get_visible_or_404(_competitions(request.auth), request.auth, pk=competition_id)
    require_view(request.auth)
    return competition


@router.post("/competitions/", response={201: CompetitionOut}, url_name="api-competition-create")
@scoped(Competition, "create")
def create_competition(request, payload: CompetitionIn):
    """Open a year's competition with the default criteria (editable until scoring starts)."""
    org = ref(Org, request.auth, payload.org, "org", "主办单位")
    data = payload.dict(exclude={"org"})
    competition = cup.create_competition(request.auth, org=org, **data)
    return Status(201, _competitions(request.auth).get(pk=competition.pk))


@router.patch("/competitions/{competition_id}/", response=CompetitionOut, url_name="api-competition-update")
@scoped(Competition, "change", kwarg="competition_id")
def update_competition(request, competition_id: Id, payload: CompetitionPatch):
    competition = _managed(request, competition_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    counts = {key: data.get(key, getattr(competition, key)) for key in PRIZES}
    cup.update_competition(request.auth, competition, name=data.get("name", competition.name), **counts)
    return _competitions(request.auth).get(pk=competition.pk)


@router.put(
    "/competitions/{competition_id}/criteria/", response=CompetitionOut, url_name="api-competition-criteria"
)
@scoped(Competition, "change", kwarg="competition_id")
def set_criteria(request, competition_id: Id, payload: CriteriaIn):
    """Replace the criteria: weights adding up to 100, before any judge has scored."""
    competition = _managed(request, competition_id)
    require_fields(payload, "criteria")
    cup.set_criteria(request.auth, competition, [(c.name, c.weight) for c in payload.criteria])
    return _competitions(request.auth).get(pk=competition.pk)


@router.post(
    "/competitions/{competition_id}/publish/", response=CompetitionOut, url_name="api-competition-publish"
)
@scoped(Competition, "change", kwarg="competition_id")
def publish(request, competition_id: Id, payload: PublishIn):
    """Publish ranks and awards (every judge must have scored every entry she may score), or withdraw
    them (``publish: false``) to correct something."""
    competition = _managed(request, competition_id)
    if payload.publish:
        cup.publish(request.auth, competition)
    else:
        cup.unpublish(request.auth, competition)
    return _competitions(request.auth).get(pk=competition.pk)


# --- judges ---------------------------------------------------------------------------------------


class JudgeOut(Schema):
    id: int
    competition: int = Field(alias="competition_id")
    user: int = Field(alias="user_id")
    name: str = Field(alias="user.display_name")
    org_name: str = Field("", alias="user.org.name")


class JudgeIn(Schema):
    competition: Id
    user: Id


def _judges(user):
    return Judge.objects.visible_to(user).select_related("user__org")


@router.get("/judges/", response=list[JudgeOut], url_name="api-judge-list")
@paginate
@scoped(Judge, "list")
def list_judges(request, filters: Query[CupQuery]):
    """The judges of the competitions the caller sees (by people's names)."""
    require_view(request.auth)
    qs = _judges(request.auth).order_by("competition", "id")
    if filters.competition:
        qs = qs.filter(competition=ref(Competition, request.auth, filters.competition, "competition", "评选"))
    if filters.q:
        qs = qs.filter(Q(user__name__icontains=filters.q) | Q(user__username=filters.q))
    return qs


@router.post("/judges/", response={201: JudgeOut}, url_name="api-judge-create")
@scoped(Judge, "create")
def create_judge(request, payload: JudgeIn):
    """Name a judge: someone who can read every report of the federation, never an administrator."""
    competition = _managed(request, payload.competition)
    user = cup.eligible_judges(competition).filter(pk=payload.user).first()
    if user is None:
        get_visible_or_404(User, request.auth, pk=payload.user)  # outside the scope: 404, names nobody
        raise ValidationError(
            {"user": _("该人员不能担任评委：评委须能查看全部参评报告，且不能是管理员账号。")}, code="RES-4"
        )
    judge = cup.add_judge(request.auth, competition, user)
    return Status(201, _judges(request.auth).get(pk=judge.pk))


@router.get("/judges/{judge_id}/", response=JudgeOut, url_name="api-judge-detail")
@scoped(Judge, "read", kwarg="judge_id")
def get_judge(request, judge_id: Id):
    judge = get_visible_or_404(_judges(request.auth), request.auth, pk=judge_id)
    require_view(request.auth)
    return judge


@router.delete("/judges/{judge_id}/", response={204: None}, url_name="api-judge-delete")
@scoped(Judge, "delete", kwarg="judge_id")
def delete_judge(request, judge_id: Id):
    judge = get_visible_or_404(Judge.objects.select_related("competition"), request.auth, pk=judge_id)
    cup.remove_judge(request.auth, judge)
    return Status(204, None)


# --- entries --------------------------------------------------------------------------------------


class EntryOut(Schema):
    """Blind until published: the report and its unit only to the organiser (``blind``)."""

    id: int
    competition: int = Field(alias="competition_id")
    code: str
    title: str = Field(alias="report.title")
    report: int | None = Field(None, alias="shown_report", description="报告编号（主办单位或结果公布后可见）")
    org: int | None = Field(None, alias="shown_org", description="报告单位（主办单位或结果公布后可见）")
    org_name: str | None = Field(None, alias="shown_org_name")
    total: Decimal | None
    rank: int | None
    award: str
    award_label: str = Field(alias="get_award_display")


class EntriesIn(Schema):
    competition: Id
    reports: list[Id] = Field(min_length=1, max_length=500)


class EntryList(Schema):
    items: list[EntryOut]


def blind(entries: list[Entry], user) -> list[Entry]:
    """The report and its unit are shown to the competition's organiser, and to everyone who sees the
    entry once the results are published; judges and others know an entry by its code and title."""
    shown = {}
    for entry in entries:
        competition = entry.competition
        if competition.pk not in shown:
            shown[competition.pk] = competition.is_closed or cup.can_manage(user, competition)
        visible = shown[competition.pk]
        entry.shown_report = entry.report_id if visible else None
        entry.shown_org = entry.report.org_id if visible else None
        entry.shown_org_name = entry.report.org.name if visible else None
    return entries


def _entries(user):
    return Entry.objects.visible_to(user).select_related("competition__org", "report__org")


@router.get("/entries/", response=list[EntryOut], url_name="api-entry-list")
@paginate
@scoped(Entry, "list")
def list_entries(request, filters: Query[CupQuery]):
    require_view(request.auth)
    qs = _entries(request.auth).order_by("competition", "code")
    if filters.competition:
        qs = qs.filter(competition=ref(Competition, request.auth, filters.competition, "competition", "评选"))
    if filters.year:
        qs = qs.filter(competition__year=filters.year)
    if filters.q:
        qs = qs.filter(Q(code=filters.q[:8]) | Q(report__title__icontains=filters.q))
    return Rows(qs, lambda entries: blind(entries, request.auth))


@router.get("/entries/{entry_id}/", response=EntryOut, url_name="api-entry-detail")
@scoped(Entry, "read", kwarg="entry_id")
def get_entry(request, entry_id: Id):
    entry = get_visible_or_404(_entries(request.auth), request.auth, pk=entry_id)
    require_view(request.auth)
    return blind([entry], request.auth)[0]


@router.post("/entries/", response={201: EntryList}, url_name="api-entry-create")
@scoped(Entry, "create", fk_fields={"competition": Competition, "reports": Report})
def create_entries(request, payload: EntriesIn):
    """Enter reports: submitted ones of the competition's year and federation, not yet entered; each
    gets a random code the judges know it by."""
    competition = _managed(request, payload.competition)
    reports = refs(Report, request.auth, payload.reports, "reports", "报告")
    created = cup.add_entries(request.auth, competition, [r.pk for r in reports])
    entries = _entries(request.auth).filter(pk__in=[e.pk for e in created]).order_by("code")
    return Status(201, {"items": blind(list(entries), request.auth)})


@router.delete("/entries/{entry_id}/", response={204: None}, url_name="api-entry-delete")
@scoped(Entry, "delete", kwarg="entry_id")
def delete_entry(request, entry_id: Id):
    entry = get_visible_or_404(Entry.objects.select_related("competition"), request.auth, pk=entry_id)
    cup.remove_entry(request.auth, entry)
    return Status(204, None)
