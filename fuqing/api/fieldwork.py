"""The fieldwork part of the API (PLT-3): contact points, visits, questionnaires and responses.

Same scope, permissions and services as the pages. Updates are partial (fields left out keep their
value). A visit or response created with a client-generated ``id`` that already exists is returned as it
is with status 200 instead of 201, so an offline client can replay its queue without duplicates (PLT-6).
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from fuqing.api.fieldwork_schemas import (
    ContactPointIn,
    ContactPointOut,
    QuestionnaireIn,
    QuestionnaireOut,
    QuestionSchema,
    ResponseIn,
    ResponseOut,
    TalliesOut,
    VisitIn,
    VisitOut,
    json_value,
)
from fuqing.api.kit import NotVisible, paginate, query_schema, ref
from fuqing.api.types import Id
from fuqing.core.permissions import require
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404
from fuqing.fieldwork import questionnaires as qservice
from fuqing.fieldwork import responses, services, stats, tallies
from fuqing.fieldwork.filters import ContactPointFilter, QuestionnaireFilter, ResponseFilter, VisitFilter
from fuqing.fieldwork.models import ContactPoint, Questionnaire, Response, Visit
from fuqing.orgs.models import Org, User

router = Router(tags=["fieldwork"])
VisitQuery = query_schema(VisitFilter)
ContactPointQuery = query_schema(ContactPointFilter)
QuestionnaireQuery = query_schema(QuestionnaireFilter)
ResponseQuery = query_schema(ResponseFilter, "ResponseQuery")


def _org(user, pk: int | None, field: str, edit: bool = False) -> Org | None:
    return ref(Org, user, pk, field, _("组织"), edit=edit)


def _user(actor, pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    user = services.allowed_members(actor).filter(pk=pk).first()
    if user is None:  # outside her scope and not a leader above: 404 like any foreign id
        raise NotVisible(
            field, _("找不到编号为 %(pk)s 的干部（须是您范围内的干部或上级妇联领导）。") % {"pk": pk}
        )
    return user


# --- contact points ---------------------------------------------------------------------------------


@router.get("/contact-points/", response=list[ContactPointOut], url_name="api-contact-points")
@paginate
@scoped(ContactPoint, "list")
def list_contact_points(request, filters: Query[ContactPointQuery]):
    """Contact points in the caller's scope (FLD-1), each with the date of its last visit — the contact
    point list page's filters (a keeper or unit outside her scope is 404)."""
    require(request.auth, "fieldwork", "view")
    qs = stats.contact_points_with_last_visit(request.auth)
    return ContactPointFilter.strict(filters.dict(), request.auth).apply(qs).order_by("pk")


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


@router.post("/contact-points/", response={201: ContactPointOut}, url_name="api-contact-points")
@scoped(ContactPoint, "create")
def create_contact_point(request, payload: ContactPointIn):
    """Add a contact point (FLD-1): a place kept by a unit or one of its leadership members."""
    cp = services.save_contact_point(request.auth, None, _cp_data(request.auth, payload, None))
    return Status(201, cp)


@router.get("/contact-points/{cp_id}/", response=ContactPointOut, url_name="api-contact-point")
@scoped(ContactPoint, "read", kwarg="cp_id")
def get_contact_point(request, cp_id: Id):
    cp = get_visible_or_404(stats.contact_points_with_last_visit(request.auth), request.auth, pk=cp_id)
    require(request.auth, "fieldwork", "view")
    return cp


@router.put("/contact-points/{cp_id}/", response=ContactPointOut, url_name="api-contact-point")
@scoped(ContactPoint, "change", kwarg="cp_id")
def update_contact_point(request, cp_id: Id, payload: ContactPointIn):
    """Change a contact point; fields left out keep their value."""
    cp = get_visible_or_404(
        ContactPoint.objects.select_related("org", "place", "keeper"), request.auth, pk=cp_id
    )
    return services.save_contact_point(request.auth, cp, _cp_data(request.auth, payload, cp))


# --- visits -----------------------------------------------------------------------------------------


def _visits(user):
    from django.db.models import Prefetch

    from fuqing.assistance.models import Need

    needs = Need.objects.none()
    if user.has_module_perm("assistance", "view"):
        needs = Need.objects.visible_to(user).select_related("category").order_by("reported_on", "created_at")
    return (
        Visit.objects.visible_to(user)
        .select_related("org", "place", "lead")
        .prefetch_related(
            "memberships__user",
            "group_counts__group",
            "attachments",
            Prefetch("needs", queryset=needs, to_attr="visible_needs"),
        )
    )


@router.get("/visits/", response=list[VisitOut], url_name="api-visits")
@paginate
@scoped(Visit, "list")
def list_visits(request, filters: Query[VisitQuery]):
    """Visits in the caller's scope (FLD-2), newest first — the visit list page's own filters."""
    require(request.auth, "fieldwork", "view")
    ref(Org, request.auth, filters.org, "org", _("组织"))  # a foreign unit is 404, not an empty list
    return (
        VisitFilter.strict(filters.dict(), request.auth)
        .apply(_visits(request.auth))
        .order_by("-started_on", "pk")
    )


def _visit_data(actor, payload: VisitIn, visit: Visit | None) -> services.VisitData:
    from fuqing.registry.models import VulnerableGroup

    def pick(name, default):
        value = getattr(payload, name)
        return default if value is None else value

    contact_point = None
    if payload.contact_point is not None:
        contact_point = ref(ContactPoint, actor, payload.contact_point, "contact_point", _("联系点"))
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


@router.post("/visits/", response={200: VisitOut, 201: VisitOut}, url_name="api-visits")
@scoped(Visit, "create")
def create_visit(request, payload: VisitIn):
    """Record a visit (FLD-2, FLD-3). 201 when created; 200 with the stored visit when ``id`` was
    already recorded by the caller (an offline replay)."""
    visit, created = services.save_visit(request.auth, None, _visit_data(request.auth, payload, None))
    return Status((201 if created else 200), _visits(request.auth).get(pk=visit.pk))


@router.get("/visits/{visit_id}/", response=VisitOut, url_name="api-visit")
@scoped(Visit, "read", kwarg="visit_id")
def get_visit(request, visit_id: uuid.UUID):
    visit = get_visible_or_404(_visits(request.auth), request.auth, pk=visit_id)
    require(request.auth, "fieldwork", "view")
    return visit


@router.put("/visits/{visit_id}/", response=VisitOut, url_name="api-visit")
@scoped(Visit, "change", kwarg="visit_id")
def update_visit(request, visit_id: uuid.UUID, payload: VisitIn):
    """Change a visit; fields left out keep their value."""
    visit = get_visible_or_404(_visits(request.auth), request.auth, pk=visit_id)
    require(request.auth, "fieldwork", "edit")
    if not can_edit(request.auth, visit):
        raise PermissionDenied(_("只读范围：您可以查看该走访，但不能修改。"))
    services.save_visit(request.auth, visit, _visit_data(request.auth, payload, visit))
    return _visits(request.auth).get(pk=visit.pk)


# --- questionnaires ----------------------------------------------------------------------------------


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


@router.get("/questionnaires/", response=list[QuestionnaireOut], url_name="api-questionnaires")
@paginate
@scoped(Questionnaire, "list")
def list_questionnaires(request, filters: Query[QuestionnaireQuery]):
    """Questionnaires the caller's unit can see: its own and those of the federations above (FLD-6)."""
    require(request.auth, "fieldwork", "view")
    qs = QuestionnaireFilter.strict(filters.dict(), request.auth).apply(_questionnaires(request.auth))
    return qs.order_by("-year", "pk")


@router.post("/questionnaires/", response={201: QuestionnaireOut}, url_name="api-questionnaires")
@scoped(Questionnaire, "create")
def create_questionnaire(request, payload: QuestionnaireIn):
    """Create a questionnaire with its questions (a draft unless ``status`` says open)."""
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
    return Status(201, _questionnaires(request.auth).get(pk=questionnaire.pk))


@router.get("/questionnaires/{questionnaire_id}/", response=QuestionnaireOut, url_name="api-questionnaire")
@scoped(Questionnaire, "read", kwarg="questionnaire_id")
def get_questionnaire(request, questionnaire_id: Id):
    questionnaire = get_visible_or_404(_questionnaires(request.auth), request.auth, pk=questionnaire_id)
    require(request.auth, "fieldwork", "view")
    return questionnaire


@router.put("/questionnaires/{questionnaire_id}/", response=QuestionnaireOut, url_name="api-questionnaire")
@scoped(Questionnaire, "change", kwarg="questionnaire_id")
def update_questionnaire(request, questionnaire_id: Id, payload: QuestionnaireIn):
    """Change title, description, year or status; ``questions`` replaces them all while a draft."""
    questionnaire = get_visible_or_404(
        Questionnaire.objects.select_related("org"), request.auth, pk=questionnaire_id
    )
    require(request.auth, "fieldwork", "edit")
    if not can_edit(request.auth, questionnaire):
        raise PermissionDenied(_("只读范围：只有发布单位可以修改这份问卷。"))
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
    return _questionnaires(request.auth).get(pk=questionnaire.pk)


@router.get(
    "/questionnaires/{questionnaire_id}/tallies/", response=TalliesOut, url_name="api-questionnaire-tallies"
)
@scoped(Questionnaire, "read", kwarg="questionnaire_id")
def get_tallies(request, questionnaire_id: Id, area: Id | None = None):
    """Counts per question and per child area of ``area`` (default: the top of the caller's scope),
    over the responses in the caller's scope (FLD-6)."""
    questionnaire = get_visible_or_404(
        Questionnaire.objects.select_related("org"), request.auth, pk=questionnaire_id
    )
    require(request.auth, "fieldwork", "view")
    if area is not None:
        root = ref(Org, request.auth, area, "area", _("地区"))
    else:
        from fuqing.core.scoping import user_scope

        root = Org.objects.get(path=user_scope(request.auth).read_paths[0])
    t = tallies.tallies(request.auth, questionnaire, root)
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


@router.get(
    "/questionnaires/{questionnaire_id}/responses/",
    response=list[ResponseOut],
    url_name="api-questionnaire-responses",
)
@paginate
@scoped(Response, "list", lookup="questionnaire_id", kwarg="questionnaire_id")
def list_responses(request, questionnaire_id: Id, filters: Query[ResponseQuery]):
    """Responses to one questionnaire given by units in the caller's scope — the response list page's
    filters (the questionnaire is the path's)."""
    questionnaire = get_visible_or_404(Questionnaire, request.auth, pk=questionnaire_id)
    require(request.auth, "fieldwork", "view")
    params = {**filters.dict(), "questionnaire": questionnaire.pk}
    qs = Response.objects.visible_to(request.auth).select_related("org")
    return ResponseFilter.strict(params, request.auth).apply(qs).order_by("-answered_on", "pk")


@router.post(
    "/questionnaires/{questionnaire_id}/responses/",
    response={200: ResponseOut, 201: ResponseOut},
    url_name="api-questionnaire-responses",
)
@scoped(Questionnaire, "read", kwarg="questionnaire_id")
def create_response(request, questionnaire_id: Id, payload: ResponseIn):
    """Submit a response (FLD-6). 201 when created; 200 when ``id`` was already submitted by the caller."""
    questionnaire = get_visible_or_404(
        Questionnaire.objects.select_related("org"), request.auth, pk=questionnaire_id
    )
    org = _org(request.auth, payload.org, "org", edit=True) if payload.org else request.auth.org
    response, created = responses.submit_response(
        request.auth,
        questionnaire,
        org=org,
        answers=payload.answers or {},
        answered_on=payload.answered_on,
        id=payload.id,
    )
    return Status((201 if created else 200), response)


@router.get("/responses/{response_id}/", response=ResponseOut, url_name="api-response")
@scoped(Response, "read", kwarg="response_id")
def get_response(request, response_id: uuid.UUID):
    response = get_visible_or_404(Response.objects.select_related("org"), request.auth, pk=response_id)
    require(request.auth, "fieldwork", "view")
    return response


@router.put("/responses/{response_id}/", response=ResponseOut, url_name="api-response")
@scoped(Response, "change", kwarg="response_id")
def update_response(request, response_id: uuid.UUID, payload: ResponseIn):
    """Change a response while its questionnaire is open; answers left out keep their value."""
    response = get_visible_or_404(
        Response.objects.select_related("org", "questionnaire__org"), request.auth, pk=response_id
    )
    require(request.auth, "fieldwork", "edit")
    if not can_edit(request.auth, response):
        raise PermissionDenied(_("只读范围：您可以查看该答卷，但不能修改。"))
    answers = {k: json_value(v) for k, v in responses.answers_of(response).items()}
    answers.update(payload.answers or {})
    org = _org(request.auth, payload.org, "org", edit=True) if payload.org else response.org
    responses.submit_response(
        request.auth,
        response.questionnaire,
        org=org,
        answers=answers,
        answered_on=payload.answered_on or response.answered_on,
        instance=response,
    )
    return Response.objects.select_related("org").get(pk=response.pk)
