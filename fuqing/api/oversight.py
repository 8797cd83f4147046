"""The oversight part of the API (SUP-1, SUP-2, SUP-4): schemes and items, the ranking and each unit's
sheet, inspectors' scores, the cadres' records and recommendations, good cases, publicity and rules.

Written on the API kit (``fuqing.api.kit``): the same services and scoping as the pages, out-of-scope
ids (path or body) answer 404, rule violations 422 with the Chinese message per field, missing
permissions 403, all by the one handler set. Files (evidence, a rule's document) are uploaded on the
pages; the API lists their names.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from fuqing.api.kit import YearQuery, paginate, ref
from fuqing.api.types import Id, Year
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
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    year: int
    name: str
    published_at: datetime.datetime | None
    items: list[ItemOut]


@router.get("/oversight/schemes/", response=list[SchemeOut], url_name="api-oversight-schemes")
@paginate
@scoped(Scheme, "list")
def list_schemes(request, filters: Query[YearQuery]):
    qs = (
        Scheme.objects.visible_to(request.auth)
        .select_related("org")
        .prefetch_related("items")
        .order_by("-year", "id")
    )
    if filters.year:
        qs = qs.filter(year=filters.year)
    return qs


@router.get("/oversight/schemes/{scheme_id}/", response=SchemeOut, url_name="api-oversight-scheme")
@scoped(Scheme, "read", kwarg="scheme_id")
def get_scheme(request, scheme_id: Id):
    return get_visible_or_404(Scheme.objects.select_related("org"), request.auth, pk=scheme_id)


class SchemeIn(Schema):
    org: Id
    year: Year
    name: str
    notes: str = ""


@router.post("/oversight/schemes/", response={201: SchemeOut}, url_name="api-oversight-scheme-create")
@scoped(Scheme, "create")
def create_scheme(request, payload: SchemeIn):
    org = ref(Org, request.auth, payload.org, "org", "单位")
    scheme = schemes.create_scheme(
        request.auth, org=org, year=payload.year, name=payload.name, notes=payload.notes
    )
    return Status(201, scheme)


class ItemIn(Schema):
    name: str = ""
    kind: str = "inspected"
    weight: Decimal = Decimal(0)
    figure_key: str = ""
    rule: str = "proportion"
    target: Decimal | None = None
    description: str = ""


@router.post(
    "/oversight/schemes/{scheme_id}/items/", response={201: ItemOut}, url_name="api-oversight-item-create"
)
@scoped(Scheme, "change", kwarg="scheme_id")
def create_item(request, scheme_id: Id, payload: ItemIn):
    scheme = get_visible_or_404(Scheme.objects.select_related("org"), request.auth, pk=scheme_id)
    return Status(201, schemes.add_item(request.auth, scheme, **payload.dict()))


class CopyIn(Schema):
    year: Year


@router.post(
    "/oversight/schemes/{scheme_id}/copy/", response={201: SchemeOut}, url_name="api-oversight-scheme-copy"
)
@scoped(Scheme, "create", kwarg="scheme_id")
def copy_scheme(request, scheme_id: Id, payload: CopyIn):
    scheme = get_visible_or_404(Scheme.objects.select_related("org"), request.auth, pk=scheme_id)
    return Status(201, schemes.copy_scheme(request.auth, scheme, payload.year))


class PublishOut(Schema):
    sheets: int


@router.post("/oversight/schemes/{scheme_id}/publish/", response=PublishOut, url_name="api-oversight-publish")
@scoped(Scheme, "change", kwarg="scheme_id")
def publish(request, scheme_id: Id):
    """The city publishes the year's assessment: every sheet ranked and frozen (audited)."""
    scheme = get_visible_or_404(Scheme.objects.select_related("org"), request.auth, pk=scheme_id)
    return {"sheets": scoring.publish(request.auth, scheme)}


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
    unit: int = Field(alias="unit.pk")
    unit_name: str = Field(alias="unit.name")
    total: Decimal
    rank: int
    of: int
    as_of: datetime.datetime
    frozen: bool
    items: list[ItemScoreOut]

    @staticmethod
    def resolve_items(sheet) -> list[dict]:
        return [i.to_data() | {"item": i.item_id} for i in sheet.items]


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


@router.get("/oversight/ranking/", response=RankingOut, url_name="api-oversight-ranking")
@scoped(ResultSheet, "page")
def ranking(request, filters: Query[RankingQuery]):
    """Totals and ranks of one level: the caller's own sheet and those her scope covers."""
    if filters.level not in scoring.LEVELS:
        raise ValidationError({"level": "层级：须是 district（区县）或 street（街道）。"})
    scheme = Scheme.objects.visible_to(request.auth).filter(year=filters.year).select_related("org").first()
    parent = ref(Org, request.auth, filters.parent, "parent", "上级单位")
    if scheme is None or (filters.level == "street" and parent is None):
        return {"year": filters.year, "level": filters.level, "of": 0, "own": None, "items": []}
    sheets = scoring.ranking(scheme, filters.level, parent)
    return {
        "year": filters.year,
        "level": filters.level,
        "of": len(sheets),
        "own": scoring.own_sheet(request.auth, sheets),
        "items": scoring.visible_sheets(request.auth, sheets),
    }


class ScoreOut(Schema):
    id: int
    item: int = Field(alias="item_id")
    unit: int = Field(alias="unit_id")
    points: Decimal
    comment: str
    evidence: str

    @staticmethod
    def resolve_evidence(score) -> str:
        return score.file_name or score.evidence_note


class ScoreIn(Schema):
    unit: Id | None = None
    points: Decimal | None = None
    comment: str = ""
    evidence_note: str = ""


@router.put("/oversight/items/{item_id}/score/", response=ScoreOut, url_name="api-oversight-score")
@scoped(Item, "change", kwarg="item_id", fk_fields={"unit": Org})
def put_score(request, item_id: Id, payload: ScoreIn):
    """An inspector scores an inspected item of a unit she is assigned to."""
    item = get_visible_or_404(Item.objects.select_related("scheme__org"), request.auth, pk=item_id)
    if not can_edit(request.auth, item.scheme):
        raise PermissionDenied(_("您没有被分配督查该单位，不能评分。"))
    if payload.unit is None:
        raise ValidationError({"unit": _("被考核单位：请填写。")})
    unit = ref(Org, request.auth, payload.unit, "unit", "被考核单位")
    return inspectors.score(
        request.auth,
        item,
        unit,
        points=payload.points,
        comment=payload.comment,
        evidence_note=payload.evidence_note,
    )


@router.get("/oversight/scores/", response=list[ScoreOut], url_name="api-oversight-scores")
@paginate
@scoped(InspectorScore, "list")
def list_scores(request, filters: Query[YearQuery]):
    qs = InspectorScore.objects.visible_to(request.auth).order_by("unit__path", "item__position", "id")
    if filters.year:
        qs = qs.filter(item__scheme__year=filters.year)
    return qs


# --- cadres and recommendations (SUP-4) ------------------------------------------------------------


class CadreOut(Schema):
    id: int
    name: str = Field(alias="display_name")
    org_name: str = Field(alias="org.name")
    days: int
    stays: int
    visits_led: int = Field(alias="led_visits")
    research_led: int
    pairs: int
    needs_resolved: int
    flags: list[str]

    @staticmethod
    def resolve_flags(user) -> list[str]:
        return cadres.flags_of(user)


@router.get("/oversight/cadres/", response=list[CadreOut], url_name="api-oversight-cadres")
@paginate
@scoped(User, "page")
def list_cadres(request, filters: Query[YearQuery]):
    """Each leader's year in the caller's unit (SUP-4), flagged without a contact point or a pair."""
    year = filters.year or datetime.date.today().year
    return cadres.leaders_queryset(request.auth, request.auth.org, year)


class RecommendationOut(Schema):
    id: int
    year: int
    person: int = Field(alias="person_id")
    person_name: str = Field(alias="person.display_name")
    org_name: str = Field(alias="org.name")
    recommended: bool
    reason: str


class RecommendationIn(Schema):
    person: Id
    year: Year
    recommended: bool = True
    reason: str


@router.get(
    "/oversight/recommendations/", response=list[RecommendationOut], url_name="api-oversight-recommendations"
)
@paginate
@scoped(Recommendation, "list")
def list_recommendations(request, filters: Query[YearQuery]):
    qs = (
        Recommendation.objects.visible_to(request.auth)
        .select_related("person", "org")
        .order_by("-year", "org__path", "id")
    )
    if filters.year:
        qs = qs.filter(year=filters.year)
    return qs


@router.post(
    "/oversight/recommendations/",
    response={201: RecommendationOut},
    url_name="api-oversight-recommendation-create",
)
@scoped(Recommendation, "create", fk_fields={"person": User})
def create_recommendation(request, payload: RecommendationIn):
    person = ref(User.objects.select_related("org"), request.auth, payload.person, "person", "干部")
    row = cadres.recommend(
        request.auth, person, payload.year, recommended=payload.recommended, reason=payload.reason
    )
    return Status(201, row)


# --- good cases, publicity, rules (SUP-2) ---------------------------------------------------------


class CaseOut(Schema):
    id: int
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    year: int
    title: str
    story: str
    source_kind: str
    source_label: str
    status: str
    evidence: str

    @staticmethod
    def resolve_evidence(case) -> str:
        return case.file_name or case.evidence_note


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


@router.get("/oversight/cases/", response=list[CaseOut], url_name="api-oversight-cases")
@paginate
@scoped(GoodCase, "list")
def list_cases(request, filters: Query[YearQuery]):
    qs = GoodCase.objects.visible_to(request.auth).select_related("org").order_by("-year", "-id")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(org__name__icontains=filters.q))
    return qs


@router.post("/oversight/cases/", response={201: CaseOut}, url_name="api-oversight-case-create")
@scoped(GoodCase, "create")
def create_case(request, payload: CaseIn):
    org = ref(Org, request.auth, payload.org, "org", "单位")
    return Status(201, cases.create_case(request.auth, **(payload.dict() | {"org": org})))


@router.post(
    "/oversight/cases/{case_id}/transition/", response=CaseOut, url_name="api-oversight-case-transition"
)
@scoped(GoodCase, "change", kwarg="case_id")
def transition_case(request, case_id: Id, payload: DecisionIn):
    """``submit`` (the unit), ``select`` / ``promote`` / ``return`` (the city)."""
    case = get_visible_or_404(GoodCase.objects.select_related("org"), request.auth, pk=case_id)
    if payload.decision == "submit":
        return cases.submit_case(request.auth, case)
    return cases.decide_case(request.auth, case, payload.decision, payload.note)


class PublicityOut(Schema):
    id: int
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    media: str
    published_on: datetime.date
    title: str
    link: str
    case: int | None = Field(alias="case_id")
    activity: str


class PublicityIn(Schema):
    org: Id
    media: str
    published_on: datetime.date
    title: str
    link: str = ""
    case: Id | None = None
    activity: str = ""


@router.get("/oversight/publicity/", response=list[PublicityOut], url_name="api-oversight-publicity")
@paginate
@scoped(PublicityItem, "list")
def list_publicity(request, filters: Query[YearQuery]):
    qs = PublicityItem.objects.visible_to(request.auth).select_related("org").order_by("-published_on", "-id")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(media__icontains=filters.q))
    return qs


@router.post("/oversight/publicity/", response={201: PublicityOut}, url_name="api-oversight-publicity-create")
@scoped(PublicityItem, "create", fk_fields={"case": GoodCase})
def create_publicity(request, payload: PublicityIn):
    org = ref(Org, request.auth, payload.org, "org", "单位")
    case = ref(GoodCase, request.auth, payload.case, "case", "典型案例")
    return Status(201, cases.add_publicity(request.auth, **(payload.dict() | {"org": org, "case": case})))


class PracticeOut(Schema):
    id: int
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    title: str
    document_number: str
    issued_on: datetime.date
    file_name: str
    case: int | None = Field(alias="case_id")


@router.get("/oversight/practices/", response=list[PracticeOut], url_name="api-oversight-practices")
@paginate
@scoped(Practice, "list")
def list_practices(request, filters: Query[YearQuery]):
    qs = Practice.objects.visible_to(request.auth).select_related("org").order_by("-issued_on", "-id")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.q:
        qs = qs.filter(title__icontains=filters.q)
    return qs
