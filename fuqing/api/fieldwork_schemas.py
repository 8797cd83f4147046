"""The API's schemas for field work (PLT-3), read from the records (the API kit's way).

Personal data leaves masked (REG-3), by the kit's masked types: a contact point's contact name and phone.
"""

from __future__ import annotations

import datetime
import uuid

from django.urls import reverse
from ninja import Field, Schema

from fuqing.api.kit import MaskedName, MaskedPhone
from fuqing.api.types import Count, Day, Id, Year
from fuqing.fieldwork import responses, services


class ContactPointOut(Schema):
    id: int
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    place: int = Field(alias="place_id")
    place_name: str = Field(alias="place.name")
    keeper: int | None = Field(alias="keeper_id")
    keeper_name: str = Field("", alias="keeper.display_name")
    contact_name: MaskedName
    contact_phone: MaskedPhone = Field(alias="masked_contact_phone")
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


class MemberOut(Schema):
    id: int = Field(alias="user_id")
    name: str = Field(alias="user.display_name")
    is_lead: bool


class GroupCountOut(Schema):
    group: str = Field(alias="group.code", description="vulnerable group code (REG-2)")
    name: str = Field(alias="group.name")
    count: int


class NeedLine(Schema):
    category: str = ""
    text: str


class RegisteredNeedOut(Schema):
    id: uuid.UUID
    category: str = Field("", alias="category.name")
    description: str
    status: str
    url: str

    @staticmethod
    def resolve_url(need):
        return reverse("assistance:need-detail", args=[need.pk])


class AttachmentOut(Schema):
    id: uuid.UUID
    name: str
    kind: str
    size: int
    url: str

    @staticmethod
    def resolve_url(attachment):
        return reverse("fieldwork:attachment", args=[attachment.pk])


class VisitOut(Schema):
    id: uuid.UUID
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    year: int
    started_on: datetime.date
    ended_on: datetime.date
    days: int
    method: str
    method_label: str = Field(alias="get_method_display")
    contact_point: int | None = Field(alias="contact_point_id")
    place: int | None = Field(alias="place_id")
    place_name: str = Field("", alias="place.name")
    lead: int | None = Field(alias="lead_id")
    lead_name: str = Field("", alias="lead.display_name")
    led_by_leader: bool
    members: list[MemberOut] = Field(alias="memberships")
    women_met: int
    group_counts: list[GroupCountOut]
    notes: str
    needs: list[NeedLine] = Field(description="needs found, one per line of needs_text")
    needs_text: str
    registered_needs: list[RegisteredNeedOut] = Field(
        default_factory=list,
        alias="visible_needs",
        description="the needs register's rows recorded from this visit (those the caller may see)",
    )
    attachments: list[AttachmentOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_needs(visit):
        return services.parse_needs(visit.needs_text)


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
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
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
    questionnaire: int = Field(alias="questionnaire_id")
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    year: int
    answered_on: datetime.date
    answers: dict = Field(description="answers by question code (a list for multiple choice)")
    created_at: datetime.datetime

    @staticmethod
    def resolve_answers(response):
        return {k: json_value(v) for k, v in responses.answers_of(response).items()}


class ResponseIn(Schema):
    id: uuid.UUID | None = Field(
        None, description="client-generated UUID: replaying the same id does not duplicate"
    )
    org: Id | None = Field(None, description="responding unit (default: the caller's own)")
    answered_on: Day | None = None
    answers: dict | None = Field(None, description="answers by question code; skip logic applies")


def json_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "is_finite"):
        return float(value)
    return value
