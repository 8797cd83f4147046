"""The oversight part of the API (SUP-1, SUP-2, SUP-4): schemes and items, the ranking and each unit's
sheet, inspectors' scores, the cadres' records and recommendations, good cases, publicity and rules.

The same services and scoping as the pages: out-of-scope ids answer 404, rule violations 422 with the
Chinese message per field, missing permissions 403. Files (evidence, a rule's document) are uploaded on
the pages; the API lists their names.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from fuqing.api.types import Id, Limit, Offset, Year
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404
from fuqing.orgs.models import Org, User
from fuqing.oversight.models import (
    GoodCase,
    InspectorScore,
    Item,
    Practice,
    PublicityItem,
    Recommendation,
    ResultSheet,
    Scheme,
)
from fuqing.oversight.services import cadres, cases, inspectors, schemes, scoring

router = Router(tags=["oversight"])


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def _invalid(exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return Status(422, {"detail": "；".join(m for ms in errors.values() for m in ms), "errors": errors})


class Page(Schema):
    q: str | None = None
    year: Year | None = None
    limit: Limit = 100
    offset: Offset = 0


def _page(qs, filters: Page):
    limit = max(1, min(filters.limit, 500))
    offset = max(0, filters.offset)
    return qs.count(), list(qs[offset : offset + limit])


# --- schemes and items (SUP-1) -------------------------------------------------------------------


class ItemOut(Schema):
    id: int
    position: int
    name: str
    kind: str
    weight: Decimal
    figure_key: str
    rule: str
    target: Decimal | None
    description: str


class SchemeOut(Schema):
    id: int
    org: int
    org_name: str
    year: int
    name: str
    published_at: datetime.datetime | None
    items: list[ItemOut]


class SchemePage(Schema):
    count: int
    items: list[SchemeOut]


def _item_out(i: Item) -> dict:
    return {
        f: getattr(i, f)
        for f in ("id", "position", "name", "kind", "weight", "figure_key", "rule", "target", "description")
    }


def scheme_out(s: Scheme) -> dict:
    return {
        "id": s.pk,
        "org": s.org_id,
        "org_name": s.org.name,
        "year": s.year,
        "name": s.name,
        "published_at": s.published_at,
        "items": [_item_out(i) for i in s.items.all()],
    }


@router.get("/oversight/schemes/", response=SchemePage, url_name="api-oversight-schemes")
@scoped(Scheme, "list")
def list_schemes(request, filters: Query[Page]):
    qs = (
        Scheme.objects.visible_to(request.auth)
        .select_related("org")
        .prefetch_related("items")
        .order_by("-year", "id")
    )
    if filters.year:
        qs = qs.filter(year=filters.year)
    count, rows = _page(qs, filters)
    return {"count": count, "items": [scheme_out(s) for s in rows]}


@router.get("/oversight/schemes/{scheme_id}/", response=SchemeOut, url_name="api-oversight-scheme")
@scoped(Scheme, "read", kwarg="scheme_id")
def get_scheme(request, scheme_id: Id):
    return scheme_out(get_visible_or_404(Scheme.objects.select_related("org"), request.auth, pk=scheme_id))


class SchemeIn(Schema):
    org: Id
    year: Year
    name: str
    notes: str = ""


@router.post(
    "/oversight/schemes/", response={201: SchemeOut, 422: ErrorOut}, url_name="api-oversight-scheme-create"
)
@scoped(Scheme, "create")
def create_scheme(request, payload: SchemeIn):
    org = get_visible_or_404(Org, request.auth, pk=payload.org)
    try:
        scheme = schemes.create_scheme(
            request.auth, org=org, year=payload.year, name=payload.name, notes=payload.notes
        )
    except ValidationError as exc:
        return _invalid(exc)
    return Status(201, scheme_out(scheme))


class ItemIn(Schema):
    name: str = ""
    kind: str = "inspected"
    weight: Decimal = Decimal(0)
    figure_key: str = ""
    rule: str = "proportion"
    target: Decimal | None = None
    description: str = ""


@router.post(
    "/oversight/schemes/{scheme_id}/items/",
    response={201: ItemOut, 422: ErrorOut},
    url_name="api-oversight-item-create",
)
@scoped(Scheme, "change", kwarg="scheme_id")
def create_item(request, scheme_id: Id, payload: ItemIn):
    scheme = get_visible_or_404(Scheme.objects.select_related("org"), request.auth, pk=scheme_id)
    try:
        item = schemes.add_item(request.auth, scheme, **payload.dict())
    except ValidationError as exc:
        return _invalid(exc)
    return Status(201, _item_out(item))


class CopyIn(Schema):
    year: Year


@router.post(
    "/oversight/schemes/{scheme_id}/copy/",
    response={201: SchemeOut, 422: ErrorOut},
    url_name="api-oversight-scheme-copy",
)
@scoped(Scheme, "create", kwarg="scheme_id")
def copy_scheme(request, scheme_id: Id, payload: CopyIn):
    scheme = get_visible_or_404(Scheme.objects.select_related("org"), request.auth, pk=scheme_id)
    try:
        new = schemes.copy_scheme(request.auth, scheme, payload.year)
    except ValidationError as exc:
        return _invalid(exc)
    return Status(201, scheme_out(new))


class PublishOut(Schema):
    sheets: int


@router.post(
    "/oversight/schemes/{scheme_id}/publish/",
    response={200: PublishOut, 422: ErrorOut},
    url_name="api-oversight-publish",
)
@scoped(Scheme, "change", kwarg="scheme_id")
def publish(request, scheme_id: Id):
    """The city publishes the year's assessment: every sheet ranked and frozen (audited)."""
    scheme = get_visible_or_404(Scheme.objects.select_related("org"), request.auth, pk=scheme_id)
    try:
        return {"sheets": scoring.publish(request.auth, scheme)}
    except ValidationError as exc:
        return _invalid(exc)


# --- the ranking and the sheets (SUP-1) -------------------------------------------------------------


class ItemScoreOut(Schema):
    item: int
    name: str
    kind: str
    weight: str
    points: str | None
    value: str | None
    breakdown: list
    note: str
    comment: str


class SheetOut(Schema):
    unit: int
    unit_name: str
    total: Decimal
    rank: int
    of: int
    as_of: datetime.datetime
    frozen: bool
    items: list[ItemScoreOut]


class RankingOut(Schema):
    year: int
    level: str
    of: int
    own: SheetOut | None
    items: list[SheetOut]


class RankingQuery(Schema):
    year: Year
    level: str = "district"
    parent: Id | None = None


def sheet_out(s) -> dict:
    return {
        "unit": s.unit.pk,
        "unit_name": s.unit.name,
        "total": s.total,
        "rank": s.rank,
        "of": s.of,
        "as_of": s.as_of,
        "frozen": s.frozen,
        "items": [i.to_data() | {"item": i.item_id} for i in s.items],
    }


@router.get(
    "/oversight/ranking/", response={200: RankingOut, 422: ErrorOut}, url_name="api-oversight-ranking"
)
@scoped(ResultSheet, "page")
def ranking(request, filters: Query[RankingQuery]):
    """Totals and ranks of one level: the caller's own sheet and those her scope covers."""
    if filters.level not in scoring.LEVELS:
        return _invalid(ValidationError({"level": "层级：须是 district（区县）或 street（街道）。"}))
    scheme = Scheme.objects.visible_to(request.auth).filter(year=filters.year).select_related("org").first()
    parent = get_visible_or_404(Org, request.auth, pk=filters.parent) if filters.parent else None
    if scheme is None or (filters.level == "street" and parent is None):
        return {"year": filters.year, "level": filters.level, "of": 0, "own": None, "items": []}
    sheets = scoring.ranking(scheme, filters.level, parent)
    own = scoring.own_sheet(request.auth, sheets)
    return {
        "year": filters.year,
        "level": filters.level,
        "of": len(sheets),
        "own": sheet_out(own) if own else None,
        "items": [sheet_out(s) for s in scoring.visible_sheets(request.auth, sheets)],
    }


class ScoreOut(Schema):
    id: int
    item: int
    unit: int
    points: Decimal
    comment: str
    evidence: str


class ScoreIn(Schema):
    unit: Id | None = None
    points: Decimal | None = None
    comment: str = ""
    evidence_note: str = ""


def score_out(s: InspectorScore) -> dict:
    return {
        "id": s.pk,
        "item": s.item_id,
        "unit": s.unit_id,
        "points": s.points,
        "comment": s.comment,
        "evidence": s.file_name or s.evidence_note,
    }


@router.put(
    "/oversight/items/{item_id}/score/",
    response={200: ScoreOut, 422: ErrorOut},
    url_name="api-oversight-score",
)
@scoped(Item, "change", kwarg="item_id", fk_fields={"unit": Org})
def put_score(request, item_id: Id, payload: ScoreIn):
    """An inspector scores an inspected item of a unit she is assigned to."""
    item = get_visible_or_404(Item.objects.select_related("scheme__org"), request.auth, pk=item_id)
    if not can_edit(request.auth, item.scheme):
        raise PermissionDenied(_("您没有被分配督查该单位，不能评分。"))
    if payload.unit is None:
        return _invalid(ValidationError({"unit": _("被考核单位：请填写。")}))
    unit = get_visible_or_404(Org, request.auth, pk=payload.unit)
    try:
        row = inspectors.score(
            request.auth,
            item,
            unit,
            points=payload.points,
            comment=payload.comment,
            evidence_note=payload.evidence_note,
        )
    except ValidationError as exc:
        return _invalid(exc)
    return score_out(row)


class ScorePage(Schema):
    count: int
    items: list[ScoreOut]


@router.get("/oversight/scores/", response=ScorePage, url_name="api-oversight-scores")
@scoped(InspectorScore, "list")
def list_scores(request, filters: Query[Page]):
    qs = InspectorScore.objects.visible_to(request.auth).order_by("unit__path", "item__position", "id")
    if filters.year:
        qs = qs.filter(item__scheme__year=filters.year)
    count, rows = _page(qs, filters)
    return {"count": count, "items": [score_out(s) for s in rows]}


# --- cadres and recommendations (SUP-4) ------------------------------------------------------------


class CadreOut(Schema):
    id: int
    name: str
    org_name: str
    days: int
    stays: int
    visits_led: int
    research_led: int
    pairs: int
    needs_resolved: int
    flags: list[str]


class CadrePage(Schema):
    count: int
    items: list[CadreOut]


@router.get("/oversight/cadres/", response=CadrePage, url_name="api-oversight-cadres")
@scoped(User, "page")
def list_cadres(request, filters: Query[Page]):
    """Each leader's year in the caller's unit (SUP-4), flagged without a contact point or a pair."""
    year = filters.year or datetime.date.today().year
    qs = cadres.leaders_queryset(request.auth, request.auth.org, year)
    count, rows = _page(qs, filters)
    return {
        "count": count,
        "items": [
            {
                "id": u.pk,
                "name": u.display_name,
                "org_name": u.org.name,
                "days": u.days,
                "stays": u.stays,
                "visits_led": u.led_visits,
                "research_led": u.research_led,
                "pairs": u.pairs,
                "needs_resolved": u.needs_resolved,
                "flags": cadres.flags_of(u),
            }
            for u in rows
        ],
    }


class RecommendationOut(Schema):
    id: int
    year: int
    person: int
    person_name: str
    org_name: str
    recommended: bool
    reason: str


class RecommendationPage(Schema):
    count: int
    items: list[RecommendationOut]


class RecommendationIn(Schema):
    person: Id
    year: Year
    recommended: bool = True
    reason: str


def recommendation_out(r: Recommendation) -> dict:
    return {
        "id": r.pk,
        "year": r.year,
        "person": r.person_id,
        "person_name": r.person.display_name,
        "org_name": r.org.name,
        "recommended": r.recommended,
        "reason": r.reason,
    }


@router.get(
    "/oversight/recommendations/", response=RecommendationPage, url_name="api-oversight-recommendations"
)
@scoped(Recommendation, "list")
def list_recommendations(request, filters: Query[Page]):
    qs = (
        Recommendation.objects.visible_to(request.auth)
        .select_related("person", "org")
        .order_by("-year", "org__path", "id")
    )
    if filters.year:
        qs = qs.filter(year=filters.year)
    count, rows = _page(qs, filters)
    return {"count": count, "items": [recommendation_out(r) for r in rows]}


@router.post(
    "/oversight/recommendations/",
    response={201: RecommendationOut, 422: ErrorOut},
    url_name="api-oversight-recommendation-create",
)
@scoped(Recommendation, "create", fk_fields={"person": User})
def create_recommendation(request, payload: RecommendationIn):
    person = get_visible_or_404(User.objects.select_related("org"), request.auth, pk=payload.person)
    try:
        row = cadres.recommend(
            request.auth, person, payload.year, recommended=payload.recommended, reason=payload.reason
        )
    except ValidationError as exc:
        return _invalid(exc)
    return Status(201, recommendation_out(row))


# --- good cases, publicity, rules (SUP-2) ---------------------------------------------------------


class CaseOut(Schema):
    id: int
    org: int
    org_name: str
    year: int
    title: str
    story: str
    source_kind: str
    source_label: str
    status: str
    evidence: str


class CasePage(Schema):
    count: int
    items: list[CaseOut]


class CaseIn(Schema):
    org: Id
    year: Year
    title: str
    story: str
    source_kind: str
    source_id: str
    evidence_note: str


class DecisionIn(Schema):
    decision: str = "submit"
    note: str = ""


def case_out(c: GoodCase) -> dict:
    return {
        "id": c.pk,
        "org": c.org_id,
        "org_name": c.org.name,
        "year": c.year,
        "title": c.title,
        "story": c.story,
        "source_kind": c.source_kind,
        "source_label": c.source_label,
        "status": c.status,
        "evidence": c.file_name or c.evidence_note,
    }


@router.get("/oversight/cases/", response=CasePage, url_name="api-oversight-cases")
@scoped(GoodCase, "list")
def list_cases(request, filters: Query[Page]):
    qs = GoodCase.objects.visible_to(request.auth).select_related("org").order_by("-year", "-id")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q[:50]) | Q(org__name__icontains=filters.q[:50]))
    count, rows = _page(qs, filters)
    return {"count": count, "items": [case_out(c) for c in rows]}


@router.post(
    "/oversight/cases/", response={201: CaseOut, 422: ErrorOut}, url_name="api-oversight-case-create"
)
@scoped(GoodCase, "create")
def create_case(request, payload: CaseIn):
    org = get_visible_or_404(Org, request.auth, pk=payload.org)
    try:
        case = cases.create_case(request.auth, **(payload.dict() | {"org": org}))
    except ValidationError as exc:
        return _invalid(exc)
    return Status(201, case_out(case))


@router.post(
    "/oversight/cases/{case_id}/transition/",
    response={200: CaseOut, 422: ErrorOut},
    url_name="api-oversight-case-transition",
)
@scoped(GoodCase, "change", kwarg="case_id")
def transition_case(request, case_id: Id, payload: DecisionIn):
    """``submit`` (the unit), ``select`` / ``promote`` / ``return`` (the city)."""
    case = get_visible_or_404(GoodCase.objects.select_related("org"), request.auth, pk=case_id)
    try:
        if payload.decision == "submit":
            case = cases.submit_case(request.auth, case)
        else:
            case = cases.decide_case(request.auth, case, payload.decision, payload.note)
    except ValidationError as exc:
        return _invalid(exc)
    return case_out(case)


class PublicityOut(Schema):
    id: int
    org: int
    org_name: str
    media: str
    published_on: datetime.date
    title: str
    link: str
    case: int | None
    activity: str


class PublicityPage(Schema):
    count: int
    items: list[PublicityOut]


class PublicityIn(Schema):
    org: Id
    media: str
    published_on: datetime.date
    title: str
    link: str = ""
    case: Id | None = None
    activity: str = ""


def publicity_out(p: PublicityItem) -> dict:
    return {
        "id": p.pk,
        "org": p.org_id,
        "org_name": p.org.name,
        "media": p.media,
        "published_on": p.published_on,
        "title": p.title,
        "link": p.link,
        "case": p.case_id,
        "activity": p.activity,
    }


@router.get("/oversight/publicity/", response=PublicityPage, url_name="api-oversight-publicity")
@scoped(PublicityItem, "list")
def list_publicity(request, filters: Query[Page]):
    qs = PublicityItem.objects.visible_to(request.auth).select_related("org").order_by("-published_on", "-id")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q[:50]) | Q(media__icontains=filters.q[:50]))
    count, rows = _page(qs, filters)
    return {"count": count, "items": [publicity_out(p) for p in rows]}


@router.post(
    "/oversight/publicity/",
    response={201: PublicityOut, 422: ErrorOut},
    url_name="api-oversight-publicity-create",
)
@scoped(PublicityItem, "create", fk_fields={"case": GoodCase})
def create_publicity(request, payload: PublicityIn):
    org = get_visible_or_404(Org, request.auth, pk=payload.org)
    try:
        item = cases.add_publicity(request.auth, **(payload.dict() | {"org": org}))
    except ValidationError as exc:
        return _invalid(exc)
    return Status(201, publicity_out(item))


class PracticeOut(Schema):
    id: int
    org: int
    org_name: str
    title: str
    document_number: str
    issued_on: datetime.date
    file_name: str
    case: int | None


class PracticePage(Schema):
    count: int
    items: list[PracticeOut]


@router.get("/oversight/practices/", response=PracticePage, url_name="api-oversight-practices")
@scoped(Practice, "list")
def list_practices(request, filters: Query[Page]):
    qs = Practice.objects.visible_to(request.auth).select_related("org").order_by("-issued_on", "-id")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.q:
        qs = qs.filter(title__icontains=filters.q[:50])
    count, rows = _page(qs, filters)
    return {
        "count": count,
        "items": [
            {
                "id": p.pk,
                "org": p.org_id,
                "org_name": p.org.name,
                "title": p.title,
                "document_number": p.document_number,
                "issued_on": p.issued_on,
                "file_name": p.file_name,
                "case": p.case_id,
            }
            for p in rows
        ],
    }
