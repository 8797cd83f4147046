"""The assistance part of the API (PLT-3): needs and their outcomes, pairings, actions, suggestions,
hot issues — the same scope, permissions, services and masking as the pages.

Request bodies are all-optional schemas: the object is looked up in the caller's scope first (404
outside it), then the services validate and answer 422 with Chinese messages per field.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import wraps

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import JsonResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from fuqing.api.types import Count, Day, Id, Limit, Money, Offset, Year
from fuqing.assistance import pairings as pairing_services
from fuqing.assistance import services
from fuqing.assistance import suggestions as suggestion_services
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
from fuqing.core.permissions import require
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404
from fuqing.registry.models import Woman

router = Router(tags=["assistance"])
UTF8 = {"ensure_ascii": False}


class Invalid(Exception):
    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


def answers_422(func):
    """Service ValidationErrors (and bad references) become 422 with the Chinese messages per field."""

    @wraps(func)
    def wrapper(request, *args, **kwargs):
        try:
            return func(request, *args, **kwargs)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            detail = "；".join(m for ms in errors.values() for m in ms)
            return JsonResponse({"detail": detail, "errors": errors}, status=422, json_dumps_params=UTF8)
        except Invalid as exc:
            detail = "；".join(exc.errors.values())
            errors = {field: [message] for field, message in exc.errors.items()}  # as documented: lists
            return JsonResponse({"detail": detail, "errors": errors}, status=422, json_dumps_params=UTF8)

    return wrapper


def _view(request):
    require(request.auth, "assistance", "view")


def _page(filters) -> tuple[int, int]:
    return max(0, filters.offset), max(1, min(filters.limit, 500))


# --- references -----------------------------------------------------------------------------------


def _ref(user, data: dict, key: str, label: str, queryset, lookup: str = "pk"):
    if key not in data:
        return
    value = data[key]
    if value in (None, ""):
        data[key] = None
        return
    try:
        found = queryset.filter(**{lookup: value}).first()
    except (ValueError, ValidationError):
        found = None
    if found is None:
        raise Invalid({key: f"{label}不存在或不在您的数据范围内。"})
    data[key] = found


def resolve(user, data: dict) -> dict:
    from fuqing.orgs.models import Org, User

    _ref(user, data, "org", "单位", Org.objects.visible_to(user))
    _ref(user, data, "woman", "妇女", Woman.objects.visible_to(user).active())
    _ref(user, data, "category", "类别", NeedCategory.objects.all(), "code")
    _ref(user, data, "handler", "承办人", User.objects.visible_to(user), "username")
    _ref(user, data, "given_by", "提供人", User.objects.visible_to(user), "username")
    _ref(user, data, "given_by_org", "提供单位", Org.objects.visible_to(user))
    _ref(user, data, "need", "诉求", Need.objects.visible_to(user))
    _ref(user, data, "pairing", "结对", Pairing.objects.visible_to(user))
    _ref(user, data, "suggestion", "对策建议", Suggestion.objects.visible_to(user))
    if data.get("project") is not None:
        from fuqing.projects.models import Project

        _ref(user, data, "project", "实事项目", Project.objects.visible_to(user))
    for key, label, qs, lookup in (
        ("helper_users", "帮扶干部", User.objects.visible_to(user), "username__in"),
        ("helper_orgs", "帮扶单位", Org.objects.visible_to(user), "pk__in"),
        ("needs", "诉求", Need.objects.visible_to(user), "pk__in"),
    ):
        if data.get(key) is not None:
            values = list(dict.fromkeys(data[key]))
            try:
                found = list(qs.filter(**{lookup: values}))
            except (ValueError, ValidationError):
                found = []
            if len(found) != len(values):
                raise Invalid({key: f"{label}不存在或不在您的数据范围内。"})
            data[key] = found
    if data.get("reports") is not None:
        from fuqing.research.models import Report

        found = list(Report.objects.visible_to(user).filter(pk__in=data["reports"]))
        if len(found) != len(set(data["reports"])):
            raise Invalid({"reports": "调研报告不存在或不在您的数据范围内。"})
        data["reports"] = found
    return data


def _required(data: dict, fields: dict) -> None:
    missing = {k: f"{label}必填。" for k, label in fields.items() if data.get(k) in (None, "")}
    if missing:
        raise Invalid(missing)


# --- needs ----------------------------------------------------------------------------------------


class NeedOut(Schema):
    id: str
    org: int
    org_name: str
    woman: str | None
    woman_name: str  # masked (REG-3)
    group_description: str
    group_size: int | None
    category: str | None
    category_name: str | None
    source: str
    urgency: str
    description: str
    reported_on: datetime.date
    year: int
    review_on: datetime.date | None
    handler: str | None
    status: str
    status_label: str
    closed_on: datetime.date | None
    outcome_note: str
    visit: str | None
    keywords: list[str]


def need_out(n: Need) -> dict:
    return {
        "id": str(n.pk),
        "org": n.org_id,
        "org_name": n.org.name,
        "woman": str(n.woman_id) if n.woman_id else None,
        "woman_name": n.woman.masked_name if n.woman_id else "",
        "group_description": n.group_description,
        "group_size": n.group_size,
        "category": n.category.code if n.category_id else None,
        "category_name": n.category.name if n.category_id else None,
        "source": n.source,
        "urgency": n.urgency,
        "description": n.description,
        "reported_on": n.reported_on,
        "year": n.year,
        "review_on": n.review_on,
        "handler": n.handler.username if n.handler_id else None,
        "status": n.status,
        "status_label": str(n.get_status_display()),
        "closed_on": n.closed_on,
        "outcome_note": n.outcome_note,
        "visit": str(n.visit_id) if n.visit_id else None,
        "keywords": [k.keyword for k in n.keywords.all()],
    }


def _needs():
    return Need.objects.select_related("org", "woman", "category", "handler").prefetch_related("keywords")


class NeedPage(Schema):
    count: int
    items: list[NeedOut]


class NeedFilter(Schema):
    q: str | None = None
    status: str | None = None
    category: str | None = None
    year: Year | None = None
    keyword: str | None = None
    org: Id | None = None
    woman: str | None = None
    overdue: bool = False
    limit: Limit = 100
    offset: Offset = 0


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
    handler: str | None = None


@router.get("/needs/", response=NeedPage, url_name="api-needs")
@scoped(Need, "list")
def list_needs(request, filters: Query[NeedFilter]):
    """Needs in the caller's scope; women appear masked."""
    _view(request)
    qs = _needs().visible_to(request.auth)
    if filters.org:
        from fuqing.orgs.models import Org

        qs = qs.in_subtree(get_visible_or_404(Org, request.auth, pk=filters.org))
    if filters.q:
        qs = qs.filter(
            Q(description__icontains=filters.q[:50]) | Q(group_description__icontains=filters.q[:50])
        )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.keyword:
        qs = qs.filter(keywords__keyword=filters.keyword[:20])
    if filters.woman:
        try:
            qs = qs.filter(woman_id=filters.woman)
        except (ValueError, ValidationError):
            qs = qs.none()
    if filters.overdue:
        qs = qs.overdue(timezone.localdate())
    offset, limit = _page(filters)
    items = [need_out(n) for n in qs.order_by("-reported_on", "pk")[offset : offset + limit]]
    return {"count": qs.count(), "items": items}


@router.post("/needs/", response={201: NeedOut, 422: dict}, url_name="api-needs")
@answers_422
@scoped(Need, "create")
def create_need(request, payload: NeedIn):
    """Record a need (NEED-1) for a registered woman (``woman``: her id) or a group."""
    data = resolve(request.auth, payload.dict())
    _required(data, {"org": "所属单位", "reported_on": "反映日期"})
    data["source"] = data.get("source") or "visit"
    data["urgency"] = data.get("urgency") or "normal"
    data["group_description"] = data.get("group_description") or ""
    data["description"] = data.get("description") or ""
    need = services.create_need(request.auth, **data)
    return Status(201, need_out(_needs().get(pk=need.pk)))


@router.get("/needs/{need_id}/", response=NeedOut, url_name="api-need")
@scoped(Need, "read", kwarg="need_id")
def get_need(request, need_id: str):
    need = get_visible_or_404(_needs(), request.auth, pk=need_id)
    _view(request)
    return need_out(need)


@router.patch("/needs/{need_id}/", response={200: NeedOut, 422: dict}, url_name="api-need")
@scoped(Need, "change", kwarg="need_id")
@answers_422
def update_need(request, need_id: str, payload: NeedIn):
    need = get_visible_or_404(Need, request.auth, pk=need_id)
    services.require_edit(request.auth, need)
    data = resolve(request.auth, payload.dict(exclude_unset=True))
    data.pop("org", None)
    services.update_need(request.auth, need, **data)
    return need_out(_needs().get(pk=need.pk))


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
    return need_out(_needs().get(pk=need.pk))


@router.post("/needs/{need_id}/resolve/", response={200: NeedOut, 422: dict}, url_name="api-need-resolve")
@scoped(Need, "change", kwarg="need_id")
@answers_422
def resolve_need(request, need_id: str, payload: OutcomeIn):
    """Close as resolved (已解决, NEED-4)."""
    return _transition(
        request,
        need_id,
        lambda n: services.resolve_need(request.auth, n, note=payload.note or "", on=payload.on),
    )


@router.post("/needs/{need_id}/counsel/", response={200: NeedOut, 422: dict}, url_name="api-need-counsel")
@scoped(Need, "change", kwarg="need_id")
@answers_422
def counsel_need(request, need_id: str, payload: OutcomeIn):
    """Close as counselled (解释疏导); ``explanation`` is required (NEED-4)."""
    return _transition(
        request,
        need_id,
        lambda n: services.counsel_need(
            request.auth, n, explanation=payload.explanation or "", on=payload.on
        ),
    )


@router.post("/needs/{need_id}/escalate/", response={200: NeedOut, 422: dict}, url_name="api-need-escalate")
@scoped(Need, "change", kwarg="need_id")
@answers_422
def escalate_need(request, need_id: str, payload: OutcomeIn):
    """Close as escalated: join ``suggestion`` (its id) or create one from ``title``, ``channel``,
    ``recipient`` (NEED-4, NEED-6)."""
    data = resolve(request.auth, {"suggestion": payload.suggestion})

    def apply(need):
        services.escalate_need(
            request.auth,
            need,
            suggestion=data["suggestion"],
            title=payload.title or "",
            channel=payload.channel or "",
            recipient=payload.recipient or "",
            note=payload.note or "",
            on=payload.on,
        )

    return _transition(request, need_id, apply)


@router.post("/needs/{need_id}/reopen/", response={200: NeedOut, 422: dict}, url_name="api-need-reopen")
@scoped(Need, "change", kwarg="need_id")
@answers_422
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
    id: str
    org: int
    kind: str
    woman: str | None
    woman_name: str
    household: str
    helper_users: list[str]
    helper_orgs: list[int]
    helpers: str
    starts_on: datetime.date
    review_on: datetime.date | None
    ends_on: datetime.date | None
    status: str
    notes: str


def pairing_out(p: Pairing) -> dict:
    helpers = list(p.helpers.all())
    return {
        "id": str(p.pk),
        "org": p.org_id,
        "kind": p.kind,
        "woman": str(p.woman_id) if p.woman_id else None,
        "woman_name": p.woman.masked_name if p.woman_id else "",
        "household": p.household,
        "helper_users": [h.user.username for h in helpers if h.user_id],
        "helper_orgs": [h.helper_org_id for h in helpers if h.helper_org_id],
        "helpers": "、".join(str(h.user or h.helper_org) for h in helpers),
        "starts_on": p.starts_on,
        "review_on": p.review_on,
        "ends_on": p.ends_on,
        "status": p.status,
        "notes": p.notes,
    }


def _pairings():
    helpers = Prefetch("helpers", queryset=PairingHelper.objects.select_related("user", "helper_org"))
    return Pairing.objects.select_related("woman").prefetch_related(helpers)


class PairingPage(Schema):
    count: int
    items: list[PairingOut]


class ListFilter(Schema):
    q: str | None = None
    year: Year | None = None
    woman: str | None = None
    limit: Limit = 100
    offset: Offset = 0


class PairingIn(Schema):
    org: Id | None = None
    kind: str | None = None
    woman: str | None = None
    household: str | None = None
    helper_users: list[str] | None = None
    helper_orgs: list[Id] | None = None
    starts_on: Day | None = None
    review_on: Day | None = None
    ends_on: Day | None = None
    notes: str | None = None


def _by_woman(qs, value):
    if not value:
        return qs
    try:
        return qs.filter(woman_id=value)
    except (ValueError, ValidationError):
        return qs.none()


@router.get("/pairings/", response=PairingPage, url_name="api-pairings")
@scoped(Pairing, "list")
def list_pairings(request, filters: Query[ListFilter]):
    _view(request)
    qs = _by_woman(_pairings().visible_to(request.auth), filters.woman)
    if filters.q:
        qs = qs.filter(Q(household__icontains=filters.q[:50]) | Q(notes__icontains=filters.q[:50]))
    if filters.year:
        qs = qs.filter(year=filters.year)
    offset, limit = _page(filters)
    return {
        "count": qs.count(),
        "items": [pairing_out(p) for p in qs.order_by("-starts_on", "pk")[offset : offset + limit]],
    }


@router.post("/pairings/", response={201: PairingOut, 422: dict}, url_name="api-pairings")
@answers_422
@scoped(Pairing, "create")
def create_pairing(request, payload: PairingIn):
    """Pair cadres (usernames) and/or units (ids) with a woman or a household (NEED-2)."""
    data = resolve(request.auth, payload.dict())
    _required(data, {"org": "负责单位", "kind": "形式", "starts_on": "结对日期"})
    data.pop("ends_on", None)
    data["household"] = data.get("household") or ""
    data["notes"] = data.get("notes") or ""
    data["helper_users"] = data.get("helper_users") or []
    data["helper_orgs"] = data.get("helper_orgs") or []
    pairing = pairing_services.create_pairing(request.auth, **data)
    return Status(201, pairing_out(_pairings().get(pk=pairing.pk)))


@router.get("/pairings/{pairing_id}/", response=PairingOut, url_name="api-pairing")
@scoped(Pairing, "read", kwarg="pairing_id")
def get_pairing(request, pairing_id: str):
    pairing = get_visible_or_404(_pairings(), request.auth, pk=pairing_id)
    _view(request)
    return pairing_out(pairing)


@router.patch("/pairings/{pairing_id}/", response={200: PairingOut, 422: dict}, url_name="api-pairing")
@scoped(Pairing, "change", kwarg="pairing_id")
@answers_422
def update_pairing(request, pairing_id: str, payload: PairingIn):
    pairing = get_visible_or_404(Pairing, request.auth, pk=pairing_id)
    pairing_services.require_edit(request.auth, pairing)
    data = resolve(request.auth, payload.dict(exclude_unset=True))
    data.pop("org", None)
    pairing_services.update_pairing(request.auth, pairing, **data)
    return pairing_out(_pairings().get(pk=pairing.pk))


# --- actions --------------------------------------------------------------------------------------


class ActionOut(Schema):
    id: str
    org: int
    need: str | None
    pairing: str | None
    woman: str | None
    woman_name: str
    service: str
    service_label: str
    given_on: datetime.date
    given_by: str | None
    given_by_org: int | None
    amount: Decimal | None
    project: int | None
    project_name: str
    notes: str


def action_out(a: Action) -> dict:
    return {
        "id": str(a.pk),
        "org": a.org_id,
        "need": str(a.need_id) if a.need_id else None,
        "pairing": str(a.pairing_id) if a.pairing_id else None,
        "woman": str(a.woman_id) if a.woman_id else None,
        "woman_name": a.woman.masked_name if a.woman_id else "",
        "service": a.service,
        "service_label": str(a.get_service_display()),
        "given_on": a.given_on,
        "given_by": a.given_by.username if a.given_by_id else None,
        "given_by_org": a.given_by_org_id,
        "amount": a.amount,
        "project": a.project_id,
        "project_name": a.project_name,
        "notes": a.notes,
    }


def _actions():
    return Action.objects.select_related("woman", "given_by")


class ActionPage(Schema):
    count: int
    total_funds: Decimal
    items: list[ActionOut]


class ActionFilter(ListFilter):
    service: str | None = None
    project: str | None = None
    project_id: Id | None = None
    need: str | None = None


class ActionIn(Schema):
    org: Id | None = None
    need: str | None = None
    pairing: str | None = None
    woman: str | None = None
    service: str | None = None
    given_on: Day | None = None
    given_by: str | None = None
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
def list_actions(request, filters: Query[ActionFilter]):
    """Actions in scope, with the funds they add up to (yuan, NEED-3)."""
    _view(request)
    qs = _by_woman(_actions().visible_to(request.auth), filters.woman)
    if filters.q:
        qs = qs.filter(Q(notes__icontains=filters.q[:50]) | Q(project_name__icontains=filters.q[:50]))
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.service:
        qs = qs.filter(service=filters.service)
    if filters.project_id:
        qs = qs.filter(project_id=filters.project_id)
    if filters.project:
        qs = qs.filter(Q(project__name=filters.project[:100]) | Q(project_name=filters.project[:100]))
    if filters.need:
        try:
            qs = qs.filter(need_id=filters.need)
        except (ValueError, ValidationError):
            qs = qs.none()
    offset, limit = _page(filters)
    items = [action_out(a) for a in qs.order_by("-given_on", "pk")[offset : offset + limit]]
    return {"count": qs.count(), "total_funds": pairing_services.funds_total(qs), "items": items}


@router.post("/actions/", response={201: ActionOut, 422: dict}, url_name="api-actions")
@answers_422
@scoped(Action, "create")
def create_action(request, payload: ActionIn):
    """Record a service given for a need, a pair or a woman (NEED-3)."""
    data = resolve(request.auth, payload.dict())
    _required(data, {"service": "服务类型", "given_on": "日期"})
    data["project_name"] = data.get("project_name") or ""
    data["notes"] = data.get("notes") or ""
    if (
        data.get("org") is None
        and data.get("need") is None
        and data.get("pairing") is None
        and data.get("woman")
    ):
        data["org"] = data["woman"].org
    action = pairing_services.record_action(request.auth, **data)
    return Status(201, action_out(_actions().get(pk=action.pk)))


@router.get("/actions/{action_id}/", response=ActionOut, url_name="api-action")
@scoped(Action, "read", kwarg="action_id")
def get_action(request, action_id: str):
    action = get_visible_or_404(_actions(), request.auth, pk=action_id)
    _view(request)
    return action_out(action)


@router.patch("/actions/{action_id}/", response={200: ActionOut, 422: dict}, url_name="api-action")
@scoped(Action, "change", kwarg="action_id")
@answers_422
def update_action(request, action_id: str, payload: ActionIn):
    action = get_visible_or_404(Action, request.auth, pk=action_id)
    pairing_services.require_edit(request.auth, action)
    data = resolve(request.auth, payload.dict(exclude_unset=True))
    data.pop("org", None)
    pairing_services.update_action(request.auth, action, **data)
    return action_out(_actions().get(pk=action.pk))


# --- suggestions ----------------------------------------------------------------------------------


class StepOut(Schema):
    stage: int
    label: str
    happened_on: datetime.date | None
    note: str
    has_document: bool


class SuggestionOut(Schema):
    id: str
    org: int
    year: int
    title: str
    content: str
    channel: str
    recipient: str
    recipient_name: str
    stage: int
    stage_label: str
    needs: list[str]
    reports: list[int]
    achievements: list[StepOut]


def suggestion_out(s: Suggestion) -> dict:
    return {
        "id": str(s.pk),
        "org": s.org_id,
        "year": s.year,
        "title": s.title,
        "content": s.content,
        "channel": s.channel,
        "recipient": s.recipient,
        "recipient_name": s.recipient_name,
        "stage": s.stage,
        "stage_label": str(s.get_stage_display()),
        "needs": [str(n.pk) for n in s.needs.all()],
        "reports": [r.pk for r in s.reports.all()],
        "achievements": [
            {
                "stage": step["stage"],
                "label": str(step["label"]),
                "happened_on": step["outcome"].happened_on if step["outcome"] else None,
                "note": step["outcome"].note if step["outcome"] else "",
                "has_document": bool(step["outcome"] and step["outcome"].document),
            }
            for step in suggestion_services.achievements(s)
        ],
    }


def _suggestions(user):
    return Suggestion.objects.prefetch_related(
        Prefetch("needs", queryset=Need.objects.visible_to(user).only("id")),
        "reports",
        Prefetch("outcomes", queryset=SuggestionOutcome.objects.order_by("stage")),
    )


class SuggestionPage(Schema):
    count: int
    items: list[SuggestionOut]


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


@router.get("/suggestions/", response=SuggestionPage, url_name="api-suggestions")
@scoped(Suggestion, "list")
def list_suggestions(request, filters: Query[ListFilter]):
    """Suggestions with what each has achieved (NEED-6)."""
    _view(request)
    qs = _suggestions(request.auth).visible_to(request.auth)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q[:50]) | Q(content__icontains=filters.q[:50]))
    if filters.year:
        qs = qs.filter(year=filters.year)
    offset, limit = _page(filters)
    return {
        "count": qs.count(),
        "items": [suggestion_out(s) for s in qs.order_by("-year", "-created_at")[offset : offset + limit]],
    }


@router.post("/suggestions/", response={201: SuggestionOut, 422: dict}, url_name="api-suggestions")
@answers_422
@scoped(Suggestion, "create")
def create_suggestion(request, payload: SuggestionIn):
    data = resolve(request.auth, payload.dict())
    _required(data, {"org": "提出单位"})
    for key in ("title", "content", "channel", "recipient", "recipient_name"):
        data[key] = data.get(key) or ""
    data["needs"] = data.get("needs") or []
    data["reports"] = data.get("reports") or []
    data["year"] = data.get("year") or timezone.localdate().year
    suggestion = suggestion_services.create_suggestion(request.auth, **data)
    return Status(201, suggestion_out(_suggestions(request.auth).get(pk=suggestion.pk)))


@router.get("/suggestions/{suggestion_id}/", response=SuggestionOut, url_name="api-suggestion")
@scoped(Suggestion, "read", kwarg="suggestion_id")
def get_suggestion(request, suggestion_id: str):
    suggestion = get_visible_or_404(_suggestions(request.auth), request.auth, pk=suggestion_id)
    _view(request)
    return suggestion_out(suggestion)


@router.patch(
    "/suggestions/{suggestion_id}/", response={200: SuggestionOut, 422: dict}, url_name="api-suggestion"
)
@scoped(Suggestion, "change", kwarg="suggestion_id")
@answers_422
def update_suggestion(request, suggestion_id: str, payload: SuggestionIn):
    suggestion = get_visible_or_404(Suggestion, request.auth, pk=suggestion_id)
    suggestion_services.require_edit(request.auth, suggestion)
    data = resolve(request.auth, payload.dict(exclude_unset=True))
    data.pop("org", None)
    suggestion_services.update_suggestion(request.auth, suggestion, **data)
    return suggestion_out(_suggestions(request.auth).get(pk=suggestion.pk))


@router.post(
    "/suggestions/{suggestion_id}/outcomes/",
    response={200: SuggestionOut, 422: dict},
    url_name="api-suggestion-outcome",
)
@scoped(Suggestion, "change", kwarg="suggestion_id")
@answers_422
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
    return suggestion_out(_suggestions(request.auth).get(pk=suggestion.pk))


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
    from fuqing.orgs.models import Org

    _view(request)
    unit = get_visible_or_404(Org, request.auth, pk=org) if org else request.auth.org
    if unit is None:
        raise HttpError(404, "Not Found")
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
    woman_name: str
    needs: int
    open_needs: int
    actions: int
    funds: Decimal
    entries: list[TimelineEntry]


@router.get("/women/{woman_id}/assistance/", response=TimelineOut, url_name="api-woman-assistance")
@scoped(Woman, "read", kwarg="woman_id")
def woman_assistance(request, woman_id: str):
    """A woman's pairs, needs and actions on one timeline (NEED-2), masked."""
    from fuqing.assistance.timeline import woman_timeline

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
