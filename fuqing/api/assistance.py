"""The assistance part of the API (PLT-3): needs and their outcomes, pairings, actions, suggestions,
hot issues — the same scope, permissions, services, filters and masking as the pages.

Request bodies are all-optional schemas: the object is looked up in the caller's scope first (404
outside it, for an id in the path or in the body alike), then the services validate and answer 422 with
Chinese messages per field.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from fuqing.api.kit import (
    MaskedName,
    Paging,
    PersonId,
    page,
    paginate,
    person_field,
    person_lookup,
    query_schema,
    ref,
    refs,
)
from fuqing.api.types import Count, Day, Id, Money, Year
from fuqing.assistance import pairings as pairing_services
from fuqing.assistance import services
from fuqing.assistance import suggestions as suggestion_services
from fuqing.assistance.filters import NeedFilter
from fuqing.assistance.hot import hot_issues
from fuqing.assistance.models import (
    Action,
    Need,
    NeedCategory,
    Pairing,
    PairingHelper,
    Suggestion,
    SuggestionOutcome,
)
from fuqing.assistance.timeline import woman_timeline
from fuqing.core.permissions import require
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404
from fuqing.orgs.models import Org, User
from fuqing.projects.models import Project
from fuqing.registry.models import Woman
from fuqing.research.models import Report

router = Router(tags=["assistance"])


def _view(request):
    require(request.auth, "assistance", "view")


# --- references: every id of a body through the scope door (404 outside it) ----------------------

REFS = {  # body field: (label, queryset of the caller's, lookup)
    "org": ("单位", lambda u: Org, "pk"),
    "woman": ("妇女", lambda u: Woman.objects.active(), "pk"),
    "handler": ("承办人", lambda u: User, person_lookup),
    "given_by": ("提供人", lambda u: User, person_lookup),
    "given_by_org": ("提供单位", lambda u: Org, "pk"),
    "need": ("诉求", lambda u: Need, "pk"),
    "pairing": ("结对", lambda u: Pairing, "pk"),
    "suggestion": ("对策建议", lambda u: Suggestion, "pk"),
    "project": ("实事项目", lambda u: Project, "pk"),
}
MANY = {
    "helper_users": ("帮扶干部", User, person_lookup),
    "helper_orgs": ("帮扶单位", Org, "pk"),
    "needs": ("诉求", Need, "pk"),
    "reports": ("调研报告", Report, "pk"),
}


def resolve(user, data: dict) -> dict:
    """The body's ids become the caller's objects; a category is a dictionary code (422 if unknown)."""
    for key, (label, queryset, lookup) in REFS.items():
        if key in data:
            data[key] = ref(queryset(user), user, data[key], key, label, lookup=lookup)
    for key, (label, model, lookup) in MANY.items():
        if data.get(key) is not None:
            data[key] = refs(model, user, data[key], key, label, lookup=lookup)
    if data.get("category"):
        data["category"] = NeedCategory.objects.filter(code=data["category"]).first()
        if data["category"] is None:
            raise ValidationError({"category": "类别不存在。"})
    return data


def _required(data: dict, fields: dict) -> None:
    missing = {k: f"{label}必填。" for k, label in fields.items() if data.get(k) in (None, "")}
    if missing:
        raise ValidationError(missing)


def _blank(data: dict, *keys: str, default="") -> dict:
    for key in keys:
        data[key] = data.get(key) or default
    return data


class ListQuery(Schema):
    q: str | None = Field(None, max_length=50)
    year: Year | None = None
    woman: uuid.UUID | None = None


# --- needs ----------------------------------------------------------------------------------------


class NeedOut(Schema):
    id: uuid.UUID
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    woman: uuid.UUID | None = Field(alias="woman_id")
    woman_name: MaskedName = Field("", alias="woman.masked_name")
    group_description: str
    group_size: int | None
    category: str | None = Field(None, alias="category.code")
    category_name: str | None = Field(None, alias="category.name")
    source: str
    urgency: str
    description: str
    reported_on: datetime.date
    year: int
    review_on: datetime.date | None
    handler: int | None = Field(None, alias="handler_id", description="承办人的用户 id")
    handler_name: str | None = person_field("handler", "承办人")
    status: str
    status_label: str = Field(alias="get_status_display")
    closed_on: datetime.date | None
    outcome_note: str
    visit: uuid.UUID | None = Field(alias="visit_id")
    keywords: list[str]

    @staticmethod
    def resolve_keywords(need):
        return [k.keyword for k in need.keywords.all()]


def _needs():
    return Need.objects.select_related("org", "woman", "category", "handler").prefetch_related("keywords")


NeedQuery = query_schema(NeedFilter)


class NeedIn(Schema):
    org: Id | None = None
    woman: str | None = None
    group_description: str | None = None
    group_size: Count | None = None
    category: str | None = None
    source: str | None = None
    urgency: str | None = None
    description: str | None = None
    reported_on: Day | None = None
    review_on: Day | None = None
    handler: PersonId | None = None


@router.get("/needs/", response=list[NeedOut], url_name="api-needs")
@paginate
@scoped(Need, "list")
def list_needs(request, filters: Query[NeedQuery]):
    """Needs in the caller's scope, with the needs page's own filters; women appear masked."""
    _view(request)
    ref(Org, request.auth, filters.org, "org", "单位")  # a foreign unit is 404, not an empty list
    qs = NeedFilter.strict(filters.dict(), request.auth).apply(_needs().visible_to(request.auth))
    return qs.order_by("-reported_on", "pk")


@router.post("/needs/", response={201: NeedOut}, url_name="api-needs")
@scoped(Need, "create")
def create_need(request, payload: NeedIn):
    """Record a need (NEED-1) for a registered woman (``woman``: her id) or a group."""
    data = resolve(request.auth, payload.dict())
    _required(data, {"org": "所属单位", "reported_on": "反映日期"})
    data["source"] = data.get("source") or "visit"
    data["urgency"] = data.get("urgency") or "normal"
    need = services.create_need(request.auth, **_blank(data, "group_description", "description"))
    return Status(201, _needs().get(pk=need.pk))


@router.get("/needs/{need_id}/", response=NeedOut, url_name="api-need")
@scoped(Need, "read", kwarg="need_id")
def get_need(request, need_id: str):
    need = get_visible_or_404(_needs(), request.auth, pk=need_id)
    _view(request)
    return need


@router.patch("/needs/{need_id}/", response=NeedOut, url_name="api-need")
@scoped(Need, "change", kwarg="need_id")
def update_need(request, need_id: str, payload: NeedIn):
    need = get_visible_or_404(Need, request.auth, pk=need_id)
    services.require_edit(request.auth, need)
    data = resolve(request.auth, payload.dict(exclude_unset=True, exclude={"org"}))
    services.update_need(request.auth, need, **data)
    return _needs().get(pk=need.pk)


class OutcomeIn(Schema):
    note: str | None = None
    explanation: str | None = None
    on: Day | None = None
    suggestion: str | None = None
    title: str | None = None
    channel: str | None = None
    recipient: str | None = None
    reason: str | None = None
    review_on: Day | None = None


def _transition(request, need_id: str, apply):
    need = get_visible_or_404(Need, request.auth, pk=need_id)
    services.require_edit(request.auth, need)
    apply(need)
    return _needs().get(pk=need.pk)


@router.post("/needs/{need_id}/resolve/", response=NeedOut, url_name="api-need-resolve")
@scoped(Need, "change", kwarg="need_id")
def resolve_need(request, need_id: str, payload: OutcomeIn):
    """Close as resolved (已解决, NEED-4)."""
    return _transition(
        request,
        need_id,
        lambda n: services.resolve_need(request.auth, n, note=payload.note or "", on=payload.on),
    )


@router.post("/needs/{need_id}/counsel/", response=NeedOut, url_name="api-need-counsel")
@scoped(Need, "change", kwarg="need_id")
def counsel_need(request, need_id: str, payload: OutcomeIn):
    """Close as counselled (解释疏导); ``explanation`` is required (NEED-4)."""
    return _transition(
        request,
        need_id,
        lambda n: services.counsel_need(
            request.auth, n, explanation=payload.explanation or "", on=payload.on
        ),
    )


@router.post("/needs/{need_id}/escalate/", response=NeedOut, url_name="api-need-escalate")
@scoped(Need, "change", kwarg="need_id")
def escalate_need(request, need_id: str, payload: OutcomeIn):
    """Close as escalated: join ``suggestion`` (its id) or create one from ``title``, ``channel``,
    ``recipient`` (NEED-4, NEED-6)."""
    suggestion = resolve(request.auth, {"suggestion": payload.suggestion})["suggestion"]
    texts = _blank(
        payload.dict(include={"title", "channel", "recipient", "note"}),
        "title",
        "channel",
        "recipient",
        "note",
    )
    return _transition(
        request,
        need_id,
        lambda n: services.escalate_need(request.auth, n, suggestion=suggestion, on=payload.on, **texts),
    )


@router.post("/needs/{need_id}/reopen/", response=NeedOut, url_name="api-need-reopen")
@scoped(Need, "change", kwarg="need_id")
def reopen_need(request, need_id: str, payload: OutcomeIn):
    """Reopen a closed need; ``reason`` is required and kept in its history (NEED-4)."""
    return _transition(
        request,
        need_id,
        lambda n: services.reopen_need(
            request.auth, n, reason=payload.reason or "", review_on=payload.review_on
        ),
    )


# --- pairings -------------------------------------------------------------------------------------


class PairingOut(Schema):
    id: uuid.UUID
    org: int = Field(alias="org_id")
    kind: str
    woman: uuid.UUID | None = Field(alias="woman_id")
    woman_name: MaskedName = Field("", alias="woman.masked_name")
    household: str
    helper_users: list[int] = Field(description="帮扶干部的用户 id")
    helper_names: list[str] = Field(description="帮扶干部姓名")
    helper_orgs: list[int]
    helpers: str
    starts_on: datetime.date
    review_on: datetime.date | None
    ends_on: datetime.date | None
    status: str
    notes: str

    @staticmethod
    def resolve_helper_users(p):
        return [h.user_id for h in p.helpers.all() if h.user_id]

    @staticmethod
    def resolve_helper_names(p):
        return [h.user.display_name for h in p.helpers.all() if h.user_id]

    @staticmethod
    def resolve_helper_orgs(p):
        return [h.helper_org_id for h in p.helpers.all() if h.helper_org_id]

    @staticmethod
    def resolve_helpers(p):
        return "、".join(str(h.user or h.helper_org) for h in p.helpers.all())


def _pairings():
    helpers = Prefetch("helpers", queryset=PairingHelper.objects.select_related("user", "helper_org"))
    return Pairing.objects.select_related("woman").prefetch_related(helpers)


class PairingIn(Schema):
    org: Id | None = None
    kind: str | None = None
    woman: str | None = None
    household: str | None = None
    helper_users: list[PersonId] | None = None
    helper_orgs: list[Id] | None = None
    starts_on: Day | None = None
    review_on: Day | None = None
    ends_on: Day | None = None
    notes: str | None = None


def _listed(qs, user, filters: ListQuery):
    """The words, year and woman every list here takes; a foreign woman is 404."""
    if filters.woman:
        qs = qs.filter(woman=ref(Woman, user, filters.woman, "woman", "妇女"))
    if filters.year:
        qs = qs.filter(year=filters.year)
    return qs


@router.get("/pairings/", response=list[PairingOut], url_name="api-pairings")
@paginate
@scoped(Pairing, "list")
def list_pairings(request, filters: Query[ListQuery]):
    _view(request)
    qs = _listed(_pairings().visible_to(request.auth), request.auth, filters)
    if filters.q:
        qs = qs.filter(Q(household__icontains=filters.q) | Q(notes__icontains=filters.q))
    return qs.order_by("-starts_on", "pk")


@router.post("/pairings/", response={201: PairingOut}, url_name="api-pairings")
@scoped(Pairing, "create")
def create_pairing(request, payload: PairingIn):
    """Pair cadres (user ids) and/or units (ids) with a woman or a household (NEED-2)."""
    data = resolve(request.auth, payload.dict(exclude={"ends_on"}))
    _required(data, {"org": "负责单位", "kind": "形式", "starts_on": "结对日期"})
    _blank(data, "household", "notes")
    _blank(data, "helper_users", "helper_orgs", default=[])
    pairing = pairing_services.create_pairing(request.auth, **data)
    return Status(201, _pairings().get(pk=pairing.pk))


@router.get("/pairings/{pairing_id}/", response=PairingOut, url_name="api-pairing")
@scoped(Pairing, "read", kwarg="pairing_id")
def get_pairing(request, pairing_id: str):
    pairing = get_visible_or_404(_pairings(), request.auth, pk=pairing_id)
    _view(request)
    return pairing


@router.patch("/pairings/{pairing_id}/", response=PairingOut, url_name="api-pairing")
@scoped(Pairing, "change", kwarg="pairing_id")
def update_pairing(request, pairing_id: str, payload: PairingIn):
    pairing = get_visible_or_404(Pairing, request.auth, pk=pairing_id)
    pairing_services.require_edit(request.auth, pairing)
    data = resolve(request.auth, payload.dict(exclude_unset=True, exclude={"org"}))
    pairing_services.update_pairing(request.auth, pairing, **data)
    return _pairings().get(pk=pairing.pk)


# --- actions --------------------------------------------------------------------------------------


class ActionOut(Schema):
    id: uuid.UUID
    org: int = Field(alias="org_id")
    need: uuid.UUID | None = Field(alias="need_id")
    pairing: uuid.UUID | None = Field(alias="pairing_id")
    woman: uuid.UUID | None = Field(alias="woman_id")
    woman_name: MaskedName = Field("", alias="woman.masked_name")
    service: str
    service_label: str = Field(alias="get_service_display")
    given_on: datetime.date
    given_by: int | None = Field(None, alias="given_by_id", description="提供人的用户 id")
    given_by_name: str | None = person_field("given_by", "提供人")
    given_by_org: int | None = Field(alias="given_by_org_id")
    amount: Decimal | None
    project: int | None = Field(alias="project_id")
    project_name: str
    notes: str


def _actions():
    return Action.objects.select_related("woman", "given_by")


class ActionPage(Schema):
    count: int
    total_funds: Decimal
    items: list[ActionOut]


class ActionQuery(ListQuery, Paging):
    service: str | None = Field(None, max_length=40)
    project: str | None = Field(None, max_length=100)
    project_id: Id | None = None
    need: uuid.UUID | None = None


class ActionIn(Schema):
    org: Id | None = None
    need: str | None = None
    pairing: str | None = None
    woman: str | None = None
    service: str | None = None
    given_on: Day | None = None
    given_by: PersonId | None = None
    given_by_org: Id | None = None
    amount: Money | None = None
    project: Id | None = None
    project_name: str | None = None
    notes: str | None = None
    consent_exception: str | None = Field(
        None,
        description="资金、健康帮扶而她尚未同意相应用途时（SEC-9）：例外原因，须 registry.approve 权限；"
        "她撤回同意后不接受",
    )


@router.get("/actions/", response=ActionPage, url_name="api-actions")
@scoped(Action, "list")
def list_actions(request, filters: Query[ActionQuery]):
    """Actions in scope, with the funds they add up to (yuan, NEED-3)."""
    _view(request)
    qs = _listed(_actions().visible_to(request.auth), request.auth, filters)
    if filters.q:
        qs = qs.filter(Q(notes__icontains=filters.q) | Q(project_name__icontains=filters.q))
    if filters.service:
        qs = qs.filter(service=filters.service)
    if filters.project_id:
        qs = qs.filter(project_id=filters.project_id)
    if filters.project:
        qs = qs.filter(Q(project__name=filters.project) | Q(project_name=filters.project))
    if filters.need:
        qs = qs.filter(need_id=filters.need)
    return page(qs.order_by("-given_on", "pk"), filters, total_funds=pairing_services.funds_total(qs))


@router.post("/actions/", response={201: ActionOut}, url_name="api-actions")
@scoped(Action, "create")
def create_action(request, payload: ActionIn):
    """Record a service given for a need, a pair or a woman (NEED-3)."""
    data = _blank(resolve(request.auth, payload.dict()), "project_name", "notes")
    _required(data, {"service": "服务类型", "given_on": "日期"})
    if (
        data.get("org") is None
        and data.get("need") is None
        and data.get("pairing") is None
        and data.get("woman")
    ):
        data["org"] = data["woman"].org
    action = pairing_services.record_action(request.auth, **data)
    return Status(201, _actions().get(pk=action.pk))


@router.get("/actions/{action_id}/", response=ActionOut, url_name="api-action")
@scoped(Action, "read", kwarg="action_id")
def get_action(request, action_id: str):
    action = get_visible_or_404(_actions(), request.auth, pk=action_id)
    _view(request)
    return action


@router.patch("/actions/{action_id}/", response=ActionOut, url_name="api-action")
@scoped(Action, "change", kwarg="action_id")
def update_action(request, action_id: str, payload: ActionIn):
    action = get_visible_or_404(Action, request.auth, pk=action_id)
    pairing_services.require_edit(request.auth, action)
    data = resolve(request.auth, payload.dict(exclude_unset=True, exclude={"org"}))
    pairing_services.update_action(request.auth, action, **data)
    return _actions().get(pk=action.pk)


# --- suggestions ----------------------------------------------------------------------------------


class StepOut(Schema):
    stage: int
    label: str
    happened_on: datetime.date | None
    note: str
    has_document: bool


class SuggestionOut(Schema):
    id: uuid.UUID
    org: int = Field(alias="org_id")
    year: int
    title: str
    content: str
    channel: str
    recipient: str
    recipient_name: str
    stage: int
    stage_label: str = Field(alias="get_stage_display")
    needs: list[str]
    reports: list[int]
    achievements: list[StepOut]

    @staticmethod
    def resolve_needs(s):
        return [str(n.pk) for n in s.needs.all()]

    @staticmethod
    def resolve_reports(s):
        return [r.pk for r in s.reports.all()]

    @staticmethod
    def resolve_achievements(s):
        return [
            {
                "stage": step["stage"],
                "label": str(step["label"]),
                "happened_on": step["outcome"].happened_on if step["outcome"] else None,
                "note": step["outcome"].note if step["outcome"] else "",
                "has_document": bool(step["outcome"] and step["outcome"].document),
            }
            for step in suggestion_services.achievements(s)
        ]


def _suggestions(user):
    return Suggestion.objects.prefetch_related(
        Prefetch("needs", queryset=Need.objects.visible_to(user).only("id")),
        "reports",
        Prefetch("outcomes", queryset=SuggestionOutcome.objects.order_by("stage")),
    )


class SuggestionIn(Schema):
    org: Id | None = None
    year: Year | None = None
    title: str | None = None
    content: str | None = None
    channel: str | None = None
    recipient: str | None = None
    recipient_name: str | None = None
    needs: list[str] | None = None
    reports: list[Id] | None = None


class StepIn(Schema):
    stage: Id | None = None
    happened_on: Day | None = None
    note: str | None = None


@router.get("/suggestions/", response=list[SuggestionOut], url_name="api-suggestions")
@paginate
@scoped(Suggestion, "list")
def list_suggestions(request, filters: Query[ListQuery]):
    """Suggestions with what each has achieved (NEED-6)."""
    _view(request)
    qs = _suggestions(request.auth).visible_to(request.auth)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(content__icontains=filters.q))
    if filters.year:
        qs = qs.filter(year=filters.year)
    return qs.order_by("-year", "-created_at")


@router.post("/suggestions/", response={201: SuggestionOut}, url_name="api-suggestions")
@scoped(Suggestion, "create")
def create_suggestion(request, payload: SuggestionIn):
    data = resolve(request.auth, payload.dict())
    _required(data, {"org": "提出单位"})
    _blank(data, "title", "content", "channel", "recipient", "recipient_name")
    _blank(data, "needs", "reports", default=[])
    data["year"] = data.get("year") or timezone.localdate().year
    suggestion = suggestion_services.create_suggestion(request.auth, **data)
    return Status(201, _suggestions(request.auth).get(pk=suggestion.pk))


@router.get("/suggestions/{suggestion_id}/", response=SuggestionOut, url_name="api-suggestion")
@scoped(Suggestion, "read", kwarg="suggestion_id")
def get_suggestion(request, suggestion_id: str):
    suggestion = get_visible_or_404(_suggestions(request.auth), request.auth, pk=suggestion_id)
    _view(request)
    return suggestion


@router.patch("/suggestions/{suggestion_id}/", response=SuggestionOut, url_name="api-suggestion")
@scoped(Suggestion, "change", kwarg="suggestion_id")
def update_suggestion(request, suggestion_id: str, payload: SuggestionIn):
    suggestion = get_visible_or_404(Suggestion, request.auth, pk=suggestion_id)
    suggestion_services.require_edit(request.auth, suggestion)
    data = resolve(request.auth, payload.dict(exclude_unset=True, exclude={"org"}))
    suggestion_services.update_suggestion(request.auth, suggestion, **data)
    return _suggestions(request.auth).get(pk=suggestion.pk)


@router.post(
    "/suggestions/{suggestion_id}/outcomes/", response=SuggestionOut, url_name="api-suggestion-outcome"
)
@scoped(Suggestion, "change", kwarg="suggestion_id")
def add_outcome(request, suggestion_id: str, payload: StepIn):
    """Record a step reached: 10 submitted, 20 answered, 30 adopted, 40 policy issued, 50 included in
    the government's livelihood projects (documents are uploaded on the suggestion's page)."""
    suggestion = get_visible_or_404(Suggestion, request.auth, pk=suggestion_id)
    suggestion_services.require_edit(request.auth, suggestion)
    suggestion_services.record_outcome(
        request.auth,
        suggestion,
        stage=payload.stage or 0,
        happened_on=payload.happened_on,
        note=payload.note or "",
    )
    return _suggestions(request.auth).get(pk=suggestion.pk)


# --- hot issues, a woman's timeline -----------------------------------------------------------


class HotRow(Schema):
    key: str
    label: str
    this_year: int
    last_year: int
    units: int
    recurring: bool


class HotOut(Schema):
    org: int
    year: int
    total: HotRow
    categories: list[HotRow]
    areas: list[HotRow]
    groups: list[HotRow]
    months: list[HotRow]
    themes: list[HotRow]
    long_standing: list[HotRow]


def _rows(rows) -> list[dict]:
    return [
        {
            "key": str(r.key),
            "label": str(r.label),
            "this_year": r.this,
            "last_year": r.last,
            "units": r.units,
            "recurring": r.recurring,
        }
        for r in rows
    ]


@router.get("/hot-issues/", response=HotOut, url_name="api-hot-issues")
@scoped(Need, "page")
def get_hot_issues(request, org: Id | None = None, year: Year | None = None, days: Count | None = None):
    """A unit's hot issues (NEED-5): aggregates only, inside the caller's scope."""
    _view(request)
    unit = ref(Org, request.auth, org, "org", "单位") if org else request.auth.org
    if unit is None:
        raise ValidationError({"org": "请用 org 参数指定单位。"})
    year = year or timezone.localdate().year
    hot = hot_issues(request.auth, unit, year, timezone.localdate(), threshold_days=days)
    return {
        "org": unit.pk,
        "year": year,
        "total": _rows([hot.total])[0],
        "categories": _rows(hot.categories),
        "areas": _rows(hot.areas),
        "groups": _rows(hot.groups),
        "months": _rows(hot.months),
        "themes": _rows(hot.themes),
        "long_standing": _rows(hot.long_standing),
    }


class TimelineEntry(Schema):
    on: datetime.date
    kind: str
    title: str
    detail: str


class TimelineOut(Schema):
    woman: str
    woman_name: MaskedName
    needs: int
    open_needs: int
    actions: int
    funds: Decimal
    entries: list[TimelineEntry]


@router.get("/women/{woman_id}/assistance/", response=TimelineOut, url_name="api-woman-assistance")
@scoped(Woman, "read", kwarg="woman_id")
def woman_assistance(request, woman_id: str):
    """A woman's pairs, needs and actions on one timeline (NEED-2), masked."""
    woman = get_visible_or_404(Woman, request.auth, pk=woman_id)
    _view(request)
    t = woman_timeline(request.auth, woman)
    return {
        "woman": str(woman.pk),
        "woman_name": woman.masked_name,
        "needs": len(t["needs"]),
        "open_needs": t["open_needs"],
        "actions": t["actions"],
        "funds": t["funds"],
        "entries": [{"on": e.on, "kind": e.kind, "title": e.title, "detail": e.detail} for e in t["entries"]],
    }
