"""The fieldwork part of the API (PLT-3): contact points, visits, questionnaires and responses.

Same scope, permissions and services as the pages. Updates are partial (fields left out keep their
value). A visit or response created with a client-generated ``id`` that already exists is returned as it
is with status 200 instead of 201, so an offline client can replay its queue without duplicates (PLT-6).
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from fuqing.core.masking import mask_name, mask_phone
from fuqing.core.permissions import require
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404, subtree_q
from fuqing.fieldwork import questionnaires as qservice
from fuqing.fieldwork import services, stats
from fuqing.fieldwork.models import ContactPoint, Questionnaire, Response, Visit
from fuqing.orgs.models import Org, User

router = Router(tags=["fieldwork"])


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict, description="messages by field")


def _invalid(exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return Status(422, {"detail": "；".join(m for ms in errors.values() for m in ms), "errors": errors})


def _page(filters) -> tuple[int, int]:
    return max(0, filters.offset), max(1, min(filters.limit, 500))


def _org(user, pk: int | None, field: str, edit: bool = False) -> Org | None:
    if pk is None:
        return None
    qs = Org.objects.editable_by(user) if edit else Org.objects.visible_to(user)
    org = qs.filter(pk=pk).first()
    if org is None:
        raise ValidationError({field: _("找不到编号为 %(pk)s 的组织（或不在您的范围内）。") % {"pk": pk}})
    return org


def _user(actor, pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    user = services.allowed_members(actor).filter(pk=pk).first()
    if user is None:
        raise ValidationError(
            {field: _("找不到编号为 %(pk)s 的干部（须是您范围内的干部或上级妇联领导）。") % {"pk": pk}}
        )
    return user


# --- contact points ---------------------------------------------------------------------------------


class ContactPointOut(Schema):
    id: int
    org: int
    org_name: str
    place: int
    place_name: str
    keeper: int | None
    keeper_name: str
    contact_name: str = Field(description="masked (张*丽)")
    contact_phone: str = Field(description="masked (138****5678)")
    since_year: int
    notes: str
    is_active: bool
    last_visit: datetime.date | None = None


class ContactPointIn(Schema):
    org: int | None = Field(None, description="keeping unit (default: the caller's own)")
    place: int | None = Field(None, description="district, township or community org id")
    keeper: int | None = Field(None, description="leadership member keeping it (user id)")
    contact_name: str | None = None
    contact_phone: str | None = None
    since_year: int | None = None
    notes: str | None = None
    is_active: bool | None = None


class ContactPointPage(Schema):
    count: int
    items: list[ContactPointOut]


class ContactPointFilter(Schema):
    q: str | None = None
    keeper: int | None = None
    limit: int = 100
    offset: int = 0


def _cp_out(cp: ContactPoint) -> dict:
    return {
        "id": cp.pk,
        "org": cp.org_id,
        "org_name": cp.org.name,
        "place": cp.place_id,
        "place_name": cp.place.name,
        "keeper": cp.keeper_id,
        "keeper_name": cp.keeper.display_name if cp.keeper_id else "",
        "contact_name": mask_name(cp.contact_name),
        "contact_phone": mask_phone(cp.contact_phone),
        "since_year": cp.since_year,
        "notes": cp.notes,
        "is_active": cp.is_active,
        "last_visit": getattr(cp, "last_visit", None),
    }


@router.get("/contact-points/", response=ContactPointPage, url_name="api-contact-points")
@scoped(ContactPoint, "list")
def list_contact_points(request, filters: Query[ContactPointFilter]):
    """Contact points in the caller's scope (FLD-1), each with the date of its last visit."""
    require(request.auth, "fieldwork", "view")
    qs = stats.contact_points_with_last_visit(request.auth)
    if filters.q:
        q = filters.q[:50]
        qs = qs.filter(Q(place__name__icontains=q) | Q(notes__icontains=q) | Q(keeper__name__icontains=q))
    if filters.keeper:
        qs = qs.filter(keeper_id=filters.keeper)
    offset, limit = _page(filters)
    return {"count": qs.count(), "items": [_cp_out(cp) for cp in qs.order_by("pk")[offset : offset + limit]]}


def _cp_data(actor, payload: ContactPointIn, cp: ContactPoint | None) -> services.ContactPointData:
    def pick(name, default):
        value = getattr(payload, name)
        return default if value is None else value

    return services.ContactPointData(
        org=_org(actor, payload.org, "org", edit=True) if payload.org else (cp.org if cp else actor.org),
        place=_org(actor, payload.place, "place") if payload.place else (cp.place if cp else None),
        keeper=_user(actor, payload.keeper, "keeper") if payload.keeper else (cp.keeper if cp else None),
        contact_name=pick("contact_name", cp.contact_name if cp else ""),
        contact_phone=pick("contact_phone", cp.contact_phone if cp else ""),
        since_year=pick("since_year", cp.since_year if cp else None),
        notes=pick("notes", cp.notes if cp else ""),
        is_active=pick("is_active", cp.is_active if cp else True),
    )


@router.post(
    "/contact-points/", response={201: ContactPointOut, 422: ErrorOut}, url_name="api-contact-points"
)
def create_contact_point(request, payload: ContactPointIn):
    """Add a contact point (FLD-1): a place kept by a unit or one of its leadership members."""
    try:
        cp = services.save_contact_point(request.auth, None, _cp_data(request.auth, payload, None))
    except ValidationError as exc:
        return _invalid(exc)
    return Status(201, _cp_out(cp))


@router.get("/contact-points/{cp_id}/", response=ContactPointOut, url_name="api-contact-point")
@scoped(ContactPoint, "read", kwarg="cp_id")
def get_contact_point(request, cp_id: int):
    cp = get_visible_or_404(stats.contact_points_with_last_visit(request.auth), request.auth, pk=cp_id)
    require(request.auth, "fieldwork", "view")
    return _cp_out(cp)


@router.put(
    "/contact-points/{cp_id}/", response={200: ContactPointOut, 422: ErrorOut}, url_name="api-contact-point"
)
@scoped(ContactPoint, "change", kwarg="cp_id")
def update_contact_point(request, cp_id: int, payload: ContactPointIn):
    """Change a contact point; fields left out keep their value."""
    cp = get_visible_or_404(
        ContactPoint.objects.select_related("org", "place", "keeper"), request.auth, pk=cp_id
    )
    try:
        cp = services.save_contact_point(request.auth, cp, _cp_data(request.auth, payload, cp))
    except ValidationError as exc:
        return _invalid(exc)
    return Status(200, _cp_out(cp))


# --- visits -----------------------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    name: str
    is_lead: bool


class GroupCountOut(Schema):
    group: str = Field(description="vulnerable group code (REG-2)")
    name: str
    count: int


class NeedLine(Schema):
    category: str = ""
    text: str


class AttachmentOut(Schema):
    id: uuid.UUID
    name: str
    kind: str
    size: int
    url: str


class VisitOut(Schema):
    id: uuid.UUID
    org: int
    org_name: str
    year: int
    started_on: datetime.date
    ended_on: datetime.date
    days: int
    method: str
    method_label: str
    contact_point: int | None
    place: int | None
    place_name: str
    lead: int | None
    lead_name: str
    led_by_leader: bool
    members: list[MemberOut]
    women_met: int
    group_counts: list[GroupCountOut]
    notes: str
    needs: list[NeedLine] = Field(description="needs found, one per line of needs_text")
    needs_text: str
    attachments: list[AttachmentOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime


class VisitIn(Schema):
    id: uuid.UUID | None = Field(
        None, description="client-generated UUID: replaying the same id does not duplicate"
    )
    org: int | None = Field(None, description="unit making the visit (default: the caller's own)")
    started_on: datetime.date | None = None
    ended_on: datetime.date | None = Field(None, description="default: started_on")
    method: str | None = Field(None, description="interview, forum, questionnaire, home_visit, stationed")
    contact_point: int | None = None
    place: int | None = Field(None, description="org visited, when not a contact point")
    lead: int | None = Field(None, description="user id of the lead (default: the caller)")
    members: list[int] | None = Field(None, description="user ids of the other cadres who went")
    women_met: int | None = None
    group_counts: dict[str, int] | None = Field(None, description="vulnerable group code -> women met")
    notes: str | None = None
    needs: list[NeedLine] | None = Field(None, description="needs found (or needs_text, one per line)")
    needs_text: str | None = None
    year: int | None = None


class VisitPage(Schema):
    count: int
    items: list[VisitOut]


class VisitFilter(Schema):
    q: str | None = None
    year: int | None = None
    method: str | None = None
    org: int | None = Field(None, description="only this unit's subtree")
    started_from: datetime.date | None = None
    started_to: datetime.date | None = None
    limit: int = 100
    offset: int = 0


def _visit_out(visit: Visit) -> dict:
    return {
        "id": visit.pk,
        "org": visit.org_id,
        "org_name": visit.org.name,
        "year": visit.year,
        "started_on": visit.started_on,
        "ended_on": visit.ended_on,
        "days": visit.days,
        "method": visit.method,
        "method_label": str(visit.get_method_display()),
        "contact_point": visit.contact_point_id,
        "place": visit.place_id,
        "place_name": visit.place.name if visit.place_id else "",
        "lead": visit.lead_id,
        "lead_name": visit.lead.display_name if visit.lead_id else "",
        "led_by_leader": visit.led_by_leader,
        "members": [
            {"id": m.user_id, "name": m.user.display_name, "is_lead": m.is_lead}
            for m in visit.memberships.all()
        ],
        "women_met": visit.women_met,
        "group_counts": [
            {"group": g.group.code, "name": g.group.name, "count": g.count} for g in visit.group_counts.all()
        ],
        "notes": visit.notes,
        "needs": services.parse_needs(visit.needs_text),
        "needs_text": visit.needs_text,
        "attachments": [
            {
                "id": a.pk,
                "name": a.name,
                "kind": a.kind,
                "size": a.size,
                "url": reverse("fieldwork:attachment", args=[a.pk]),
            }
            for a in visit.attachments.all()
        ],
        "created_at": visit.created_at,
        "updated_at": visit.updated_at,
    }


def _visits(user):
    return (
        Visit.objects.visible_to(user)
        .select_related("org", "place", "lead")
        .prefetch_related("memberships__user", "group_counts__group", "attachments")
    )


@router.get("/visits/", response=VisitPage, url_name="api-visits")
@scoped(Visit, "list")
def list_visits(request, filters: Query[VisitFilter]):
    """Visits in the caller's scope (FLD-2), newest first."""
    require(request.auth, "fieldwork", "view")
    qs = _visits(request.auth)
    if filters.q:
        q = filters.q[:50]
        qs = qs.filter(Q(notes__icontains=q) | Q(needs_text__icontains=q) | Q(place__name__icontains=q))
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.method:
        qs = qs.filter(method=filters.method)
    if filters.org:
        area = get_visible_or_404(Org, request.auth, pk=filters.org)
        qs = qs.filter(subtree_q(area.path, "org__path"))
    if filters.started_from:
        qs = qs.filter(started_on__gte=filters.started_from)
    if filters.started_to:
        qs = qs.filter(started_on__lte=filters.started_to)
    offset, limit = _page(filters)
    items = list(qs.order_by("-started_on", "pk")[offset : offset + limit])
    return {"count": qs.count(), "items": [_visit_out(v) for v in items]}


def _visit_data(actor, payload: VisitIn, visit: Visit | None) -> services.VisitData:
    from fuqing.registry.models import VulnerableGroup

    def pick(name, default):
        value = getattr(payload, name)
        return default if value is None else value

    contact_point = None
    if payload.contact_point is not None:
        contact_point = ContactPoint.objects.visible_to(actor).filter(pk=payload.contact_point).first()
        if contact_point is None:
            raise ValidationError(
                {"contact_point": _("找不到编号为 %(pk)s 的联系点。") % {"pk": payload.contact_point}}
            )
    elif visit is not None and payload.place is None:
        contact_point = visit.contact_point
    if payload.members is not None:
        members = [_user(actor, pk, "members") for pk in payload.members]
    else:
        members = list(visit.members.all()) if visit else []
    if payload.group_counts is not None:
        codes = dict(VulnerableGroup.objects.values_list("code", "pk"))
        unknown = sorted(set(payload.group_counts) - set(codes))
        if unknown:
            raise ValidationError(
                {"group_counts": _("未知的困难群体代码：%(c)s。") % {"c": "、".join(unknown)}}
            )
        counts = {codes[c]: n for c, n in payload.group_counts.items()}
    else:
        counts = dict(visit.group_counts.values_list("group_id", "count")) if visit else {}
    if payload.needs is not None:
        needs_text = services.format_needs(n.dict() for n in payload.needs)
    else:
        needs_text = pick("needs_text", visit.needs_text if visit else "")
    started = pick("started_on", visit.started_on if visit else None)
    return services.VisitData(
        id=payload.id if visit is None else None,
        org=_org(actor, payload.org, "org", edit=True)
        if payload.org
        else (visit.org if visit else actor.org),
        started_on=started,
        ended_on=pick("ended_on", visit.ended_on if visit else started),
        method=pick("method", visit.method if visit else ""),
        contact_point=contact_point,
        place=_org(actor, payload.place, "place") if payload.place else (visit.place if visit else None),
        lead=_user(actor, payload.lead, "lead") if payload.lead else (visit.lead if visit else actor),
        members=members,
        women_met=pick("women_met", visit.women_met if visit else 0),
        group_counts=counts,
        notes=pick("notes", visit.notes if visit else ""),
        needs_text=needs_text,
        year=pick("year", visit.year if visit else None),
    )


@router.post("/visits/", response={200: VisitOut, 201: VisitOut, 422: ErrorOut}, url_name="api-visits")
def create_visit(request, payload: VisitIn):
    """Record a visit (FLD-2, FLD-3). 201 when created; 200 with the stored visit when ``id`` was
    already recorded by the caller (an offline replay)."""
    try:
        visit, created = services.save_visit(request.auth, None, _visit_data(request.auth, payload, None))
    except ValidationError as exc:
        return _invalid(exc)
    return Status((201 if created else 200), _visit_out(_visits(request.auth).get(pk=visit.pk)))


@router.get("/visits/{visit_id}/", response=VisitOut, url_name="api-visit")
@scoped(Visit, "read", kwarg="visit_id")
def get_visit(request, visit_id: uuid.UUID):
    visit = get_visible_or_404(_visits(request.auth), request.auth, pk=visit_id)
    require(request.auth, "fieldwork", "view")
    return _visit_out(visit)


@router.put("/visits/{visit_id}/", response={200: VisitOut, 422: ErrorOut}, url_name="api-visit")
@scoped(Visit, "change", kwarg="visit_id")
def update_visit(request, visit_id: uuid.UUID, payload: VisitIn):
    """Change a visit; fields left out keep their value."""
    visit = get_visible_or_404(_visits(request.auth), request.auth, pk=visit_id)
    require(request.auth, "fieldwork", "edit")
    if not can_edit(request.auth, visit):
        raise PermissionDenied(_("只读范围：您可以查看该走访，但不能修改。"))
    try:
        services.save_visit(request.auth, visit, _visit_data(request.auth, payload, visit))
    except ValidationError as exc:
        return _invalid(exc)
    return Status(200, _visit_out(_visits(request.auth).get(pk=visit.pk)))


# --- questionnaires ----------------------------------------------------------------------------------


class ChoiceSchema(Schema):
    value: str
    label: str


class QuestionSchema(Schema):
    code: str = Field("", description="letters, digits, underscore; default q1, q2, …")
    text: str
    kind: str = Field(description="single, multiple, number, text, date")
    required: bool = False
    choices: list[ChoiceSchema] = Field(default_factory=list)
    relevant: str = Field("", description="skip logic in XLSForm syntax, e.g. ${q1} = 'yes'")
    help: str = ""


class QuestionOut(QuestionSchema):
    id: int
    position: int
    condition: dict | None = Field(None, description="the parsed skip logic the form evaluates")


class QuestionnaireOut(Schema):
    id: int
    org: int
    org_name: str
    year: int
    title: str
    description: str
    status: str
    questions: list[QuestionOut]


class QuestionnaireIn(Schema):
    org: int | None = Field(None, description="publishing unit (default: the caller's own)")
    year: int | None = None
    title: str | None = None
    description: str | None = None
    status: str | None = Field(None, description="draft, open, closed")
    questions: list[QuestionSchema] | None = Field(None, description="replaces every question (drafts only)")


class QuestionnairePage(Schema):
    count: int
    items: list[QuestionnaireOut]


class QuestionnaireFilter(Schema):
    q: str | None = None
    year: int | None = None
    status: str | None = None
    limit: int = 100
    offset: int = 0


def _questionnaire_out(questionnaire: Questionnaire) -> dict:
    return {
        "id": questionnaire.pk,
        "org": questionnaire.org_id,
        "org_name": questionnaire.org.name,
        "year": questionnaire.year,
        "title": questionnaire.title,
        "description": questionnaire.description,
        "status": questionnaire.status,
        "questions": [
            {
                "id": q.pk,
                "position": q.position,
                "code": q.code,
                "text": q.text,
                "kind": q.kind,
                "required": q.required,
                "choices": q.choices,
                "relevant": q.relevant,
                "help": q.help,
                "condition": q.condition,
            }
            for q in questionnaire.questions.all()
        ],
    }


def _questionnaires(user):
    return Questionnaire.objects.visible_to(user).select_related("org").prefetch_related("questions")


def _question_data(items: list[QuestionSchema]) -> list[qservice.QuestionData]:
    return [
        qservice.QuestionData(
            text=q.text,
            kind=q.kind,
            code=q.code,
            required=q.required,
            choices=[c.dict() for c in q.choices],
            relevant=q.relevant,
            help=q.help,
        )
        for q in items
    ]


@router.get("/questionnaires/", response=QuestionnairePage, url_name="api-questionnaires")
@scoped(Questionnaire, "list")
def list_questionnaires(request, filters: Query[QuestionnaireFilter]):
    """Questionnaires the caller's unit can see: its own and those of the federations above (FLD-6)."""
    require(request.auth, "fieldwork", "view")
    qs = _questionnaires(request.auth)
    if filters.q:
        qs = qs.filter(title__icontains=filters.q[:50])
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.status:
        qs = qs.filter(status=filters.status)
    offset, limit = _page(filters)
    items = list(qs.order_by("-year", "pk")[offset : offset + limit])
    return {"count": qs.count(), "items": [_questionnaire_out(q) for q in items]}


@router.post(
    "/questionnaires/", response={201: QuestionnaireOut, 422: ErrorOut}, url_name="api-questionnaires"
)
def create_questionnaire(request, payload: QuestionnaireIn):
    """Create a questionnaire with its questions (a draft unless ``status`` says open)."""
    try:
        org = _org(request.auth, payload.org, "org", edit=True) if payload.org else request.auth.org
        questionnaire = qservice.create_questionnaire(
            request.auth,
            org=org,
            year=payload.year or datetime.date.today().year,
            title=payload.title or "",
            description=payload.description or "",
            questions=_question_data(payload.questions or []),
        )
        if payload.status and payload.status != questionnaire.status:
            qservice.set_status(request.auth, questionnaire, payload.status)
    except ValidationError as exc:
        return _invalid(exc)
    return Status(201, _questionnaire_out(_questionnaires(request.auth).get(pk=questionnaire.pk)))


@router.get("/questionnaires/{questionnaire_id}/", response=QuestionnaireOut, url_name="api-questionnaire")
@scoped(Questionnaire, "read", kwarg="questionnaire_id")
def get_questionnaire(request, questionnaire_id: int):
    questionnaire = get_visible_or_404(_questionnaires(request.auth), request.auth, pk=questionnaire_id)
    require(request.auth, "fieldwork", "view")
    return _questionnaire_out(questionnaire)


@router.put(
    "/questionnaires/{questionnaire_id}/",
    response={200: QuestionnaireOut, 422: ErrorOut},
    url_name="api-questionnaire",
)
@scoped(Questionnaire, "change", kwarg="questionnaire_id")
def update_questionnaire(request, questionnaire_id: int, payload: QuestionnaireIn):
    """Change title, description, year or status; ``questions`` replaces them all while a draft."""
    questionnaire = get_visible_or_404(
        Questionnaire.objects.select_related("org"), request.auth, pk=questionnaire_id
    )
    require(request.auth, "fieldwork", "edit")
    if not can_edit(request.auth, questionnaire):
        raise PermissionDenied(_("只读范围：只有发布单位可以修改这份问卷。"))
    try:
        qservice.update_questionnaire(
            request.auth,
            questionnaire,
            title=payload.title if payload.title is not None else questionnaire.title,
            description=payload.description if payload.description is not None else questionnaire.description,
            year=payload.year or questionnaire.year,
        )
        if payload.questions is not None:
            qservice.replace_questions(request.auth, questionnaire, _question_data(payload.questions))
        if payload.status and payload.status != questionnaire.status:
            qservice.set_status(request.auth, questionnaire, payload.status)
    except ValidationError as exc:
        return _invalid(exc)
    return Status(200, _questionnaire_out(_questionnaires(request.auth).get(pk=questionnaire.pk)))


class TallyChoice(Schema):
    value: str
    label: str
    count: int
    share: float


class TallyOut(Schema):
    code: str
    text: str
    kind: str
    answered: int
    choices: list[TallyChoice]
    stats: dict
    samples: list[str]


class AreaOut(Schema):
    org: int | None
    name: str
    responses: int


class TalliesOut(Schema):
    questionnaire: int
    area: int
    responses: int
    questions: list[TallyOut]
    areas: list[AreaOut]


@router.get(
    "/questionnaires/{questionnaire_id}/tallies/", response=TalliesOut, url_name="api-questionnaire-tallies"
)
@scoped(Questionnaire, "read", kwarg="questionnaire_id")
def get_tallies(request, questionnaire_id: int, area: int | None = None):
    """Counts per question and per child area of ``area`` (default: the top of the caller's scope),
    over the responses in the caller's scope (FLD-6)."""
    questionnaire = get_visible_or_404(
        Questionnaire.objects.select_related("org"), request.auth, pk=questionnaire_id
    )
    require(request.auth, "fieldwork", "view")
    if area is not None:
        root = get_visible_or_404(Org, request.auth, pk=area)
    else:
        from fuqing.core.scoping import user_scope

        root = Org.objects.get(path=user_scope(request.auth).read_paths[0])
    t = qservice.tallies(request.auth, questionnaire, root)
    return {
        "questionnaire": questionnaire.pk,
        "area": root.pk,
        "responses": t.responses,
        "questions": [
            {
                "code": q.question.code,
                "text": q.question.text,
                "kind": q.question.kind,
                "answered": q.answered,
                "choices": q.choices,
                "stats": {
                    k: (str(v) if v is not None else None) for k, v in q.stats.items() if k != "question_id"
                },
                "samples": q.samples,
            }
            for q in t.questions
        ],
        "areas": [
            {"org": a["org"].pk if a["org"] else None, "name": a["label"], "responses": a["responses"]}
            for a in t.areas
        ],
    }


# --- responses ----------------------------------------------------------------------------------------


class ResponseOut(Schema):
    id: uuid.UUID
    questionnaire: int
    org: int
    org_name: str
    year: int
    answered_on: datetime.date
    answers: dict = Field(description="answers by question code (a list for multiple choice)")
    created_at: datetime.datetime


class ResponseIn(Schema):
    id: uuid.UUID | None = Field(
        None, description="client-generated UUID: replaying the same id does not duplicate"
    )
    org: int | None = Field(None, description="responding unit (default: the caller's own)")
    answered_on: datetime.date | None = None
    answers: dict | None = Field(None, description="answers by question code; skip logic applies")


class ResponsePage(Schema):
    count: int
    items: list[ResponseOut]


class PageFilter(Schema):
    limit: int = 100
    offset: int = 0


def _json_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "is_finite"):
        return float(value)
    return value


def _response_out(response: Response) -> dict:
    return {
        "id": response.pk,
        "questionnaire": response.questionnaire_id,
        "org": response.org_id,
        "org_name": response.org.name,
        "year": response.year,
        "answered_on": response.answered_on,
        "answers": {k: _json_value(v) for k, v in qservice.answers_of(response).items()},
        "created_at": response.created_at,
    }


@router.get(
    "/questionnaires/{questionnaire_id}/responses/",
    response=ResponsePage,
    url_name="api-questionnaire-responses",
)
@scoped(Response, "list", lookup="questionnaire_id", kwarg="questionnaire_id")
def list_responses(request, questionnaire_id: int, filters: Query[PageFilter]):
    """Responses to one questionnaire given by units in the caller's scope."""
    questionnaire = get_visible_or_404(Questionnaire, request.auth, pk=questionnaire_id)
    require(request.auth, "fieldwork", "view")
    qs = Response.objects.visible_to(request.auth).filter(questionnaire=questionnaire).select_related("org")
    offset, limit = _page(filters)
    items = list(qs.order_by("-answered_on", "pk")[offset : offset + limit])
    return {"count": qs.count(), "items": [_response_out(r) for r in items]}


@router.post(
    "/questionnaires/{questionnaire_id}/responses/",
    response={200: ResponseOut, 201: ResponseOut, 422: ErrorOut},
    url_name="api-questionnaire-responses",
)
@scoped(Questionnaire, "read", kwarg="questionnaire_id")
def create_response(request, questionnaire_id: int, payload: ResponseIn):
    """Submit a response (FLD-6). 201 when created; 200 when ``id`` was already submitted by the caller."""
    questionnaire = get_visible_or_404(
        Questionnaire.objects.select_related("org"), request.auth, pk=questionnaire_id
    )
    try:
        org = _org(request.auth, payload.org, "org", edit=True) if payload.org else request.auth.org
        response, created = qservice.submit_response(
            request.auth,
            questionnaire,
            org=org,
            answers=payload.answers or {},
            answered_on=payload.answered_on,
            id=payload.id,
        )
    except ValidationError as exc:
        return _invalid(exc)
    return Status((201 if created else 200), _response_out(response))


@router.get("/responses/{response_id}/", response=ResponseOut, url_name="api-response")
@scoped(Response, "read", kwarg="response_id")
def get_response(request, response_id: uuid.UUID):
    response = get_visible_or_404(Response.objects.select_related("org"), request.auth, pk=response_id)
    require(request.auth, "fieldwork", "view")
    return _response_out(response)


@router.put("/responses/{response_id}/", response={200: ResponseOut, 422: ErrorOut}, url_name="api-response")
@scoped(Response, "change", kwarg="response_id")
def update_response(request, response_id: uuid.UUID, payload: ResponseIn):
    """Change a response while its questionnaire is open; answers left out keep their value."""
    response = get_visible_or_404(
        Response.objects.select_related("org", "questionnaire__org"), request.auth, pk=response_id
    )
    require(request.auth, "fieldwork", "edit")
    if not can_edit(request.auth, response):
        raise PermissionDenied(_("只读范围：您可以查看该答卷，但不能修改。"))
    try:
        answers = {k: _json_value(v) for k, v in qservice.answers_of(response).items()}
        answers.update(payload.answers or {})
        org = _org(request.auth, payload.org, "org", edit=True) if payload.org else response.org
        qservice.submit_response(
            request.auth,
            response.questionnaire,
            org=org,
            answers=answers,
            answered_on=payload.answered_on or response.answered_on,
            instance=response,
        )
    except ValidationError as exc:
        return _invalid(exc)
    return Status(200, _response_out(Response.objects.select_related("org").get(pk=response.pk)))
