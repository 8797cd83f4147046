"""The API's schemas for field work (PLT-3) and the functions that turn records into them.

Personal data leaves masked (REG-3): a contact point's contact name and phone.
"""

from __future__ import annotations

import datetime
import uuid

from django.urls import reverse
from ninja import Field, Schema

from fuqing.api.types import Count, Day, Id, Limit, Offset, Year
from fuqing.core.masking import mask_name
from fuqing.fieldwork import responses, services
from fuqing.fieldwork.models import ContactPoint, Questionnaire, Response, Visit


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict, description="messages by field")


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
    org: Id | None = Field(None, description="keeping unit (default: the caller's own)")
    place: Id | None = Field(None, description="district, township or community org id")
    keeper: Id | None = Field(None, description="leadership member keeping it (user id)")
    contact_name: str | None = None
    contact_phone: str | None = None
    since_year: Year | None = None
    notes: str | None = None
    is_active: bool | None = None


class ContactPointPage(Schema):
    count: int
    items: list[ContactPointOut]


class ContactPointFilter(Schema):
    q: str | None = None
    keeper: Id | None = None
    limit: Limit = 100
    offset: Offset = 0


def cp_out(cp: ContactPoint) -> dict:
    return {
        "id": cp.pk,
        "org": cp.org_id,
        "org_name": cp.org.name,
        "place": cp.place_id,
        "place_name": cp.place.name,
        "keeper": cp.keeper_id,
        "keeper_name": cp.keeper.display_name if cp.keeper_id else "",
        "contact_name": mask_name(cp.contact_name),
        "contact_phone": cp.masked_contact_phone,
        "since_year": cp.since_year,
        "notes": cp.notes,
        "is_active": cp.is_active,
        "last_visit": getattr(cp, "last_visit", None),
    }


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


class RegisteredNeedOut(Schema):
    id: uuid.UUID
    category: str
    description: str
    status: str
    url: str


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
    registered_needs: list[RegisteredNeedOut] = Field(
        description="the needs register's rows recorded from this visit (those the caller may see)"
    )
    attachments: list[AttachmentOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime


class VisitIn(Schema):
    id: uuid.UUID | None = Field(
        None, description="client-generated UUID: replaying the same id does not duplicate"
    )
    org: Id | None = Field(None, description="unit making the visit (default: the caller's own)")
    started_on: Day | None = None
    ended_on: Day | None = Field(None, description="default: started_on")
    method: str | None = Field(None, description="interview, forum, questionnaire, home_visit, stationed")
    contact_point: Id | None = None
    place: Id | None = Field(None, description="org visited, when not a contact point")
    lead: Id | None = Field(None, description="user id of the lead (default: the caller)")
    members: list[Id] | None = Field(None, description="user ids of the other cadres who went")
    women_met: Count | None = None
    group_counts: dict[str, Count] | None = Field(None, description="vulnerable group code -> women met")
    notes: str | None = None
    needs: list[NeedLine] | None = Field(None, description="needs found (or needs_text, one per line)")
    needs_text: str | None = None
    year: Year | None = None


class VisitPage(Schema):
    count: int
    items: list[VisitOut]


class VisitFilter(Schema):
    q: str | None = None
    year: Year | None = None
    method: str | None = None
    org: Id | None = Field(None, description="only this unit's subtree")
    started_from: Day | None = None
    started_to: Day | None = None
    limit: Limit = 100
    offset: Offset = 0


def visit_out(visit: Visit) -> dict:
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
        "registered_needs": [
            {
                "id": n.pk,
                "category": n.category.name if n.category_id else "",
                "description": n.description,
                "status": n.status,
                "url": reverse("assistance:need-detail", args=[n.pk]),
            }
            for n in getattr(visit, "visible_needs", ())
        ],
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
    org: Id | None = Field(None, description="publishing unit (default: the caller's own)")
    year: Year | None = None
    title: str | None = None
    description: str | None = None
    status: str | None = Field(None, description="draft, open, closed")
    questions: list[QuestionSchema] | None = Field(None, description="replaces every question (drafts only)")


class QuestionnairePage(Schema):
    count: int
    items: list[QuestionnaireOut]


class QuestionnaireFilter(Schema):
    q: str | None = None
    year: Year | None = None
    status: str | None = None
    limit: Limit = 100
    offset: Offset = 0


def questionnaire_out(questionnaire: Questionnaire) -> dict:
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
    org: Id | None = Field(None, description="responding unit (default: the caller's own)")
    answered_on: Day | None = None
    answers: dict | None = Field(None, description="answers by question code; skip logic applies")


class ResponsePage(Schema):
    count: int
    items: list[ResponseOut]


class PageFilter(Schema):
    limit: Limit = 100
    offset: Offset = 0


def json_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "is_finite"):
        return float(value)
    return value


def response_out(response: Response) -> dict:
    return {
        "id": response.pk,
        "questionnaire": response.questionnaire_id,
        "org": response.org_id,
        "org_name": response.org.name,
        "year": response.year,
        "answered_on": response.answered_on,
        "answers": {k: json_value(v) for k, v in responses.answers_of(response).items()},
        "created_at": response.created_at,
    }
