"""Factories for field work's scoped models (one row of ``org``, ``marker`` visible where it is listed)."""

import datetime
import uuid

from django.core.files.base import ContentFile

from fuqing.fieldwork.attachments import storage
from fuqing.fieldwork.models import (
    Answer,
    ContactPoint,
    Question,
    Questionnaire,
    Response,
    Visit,
    VisitAttachment,
    VisitDay,
    VisitGroupCount,
    VisitMember,
)
from fuqing.orgs.models import Position, Rank, User
from tests.scoped_factories import factory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _cadre(org, marker="", **fields) -> User:
    return User.objects.create(
        username=f"fw{uuid.uuid4().hex[:10]}", name=marker or "干部", org=org, **fields
    )


@factory(Visit)
def make_visit(org, marker, viewer):
    """A stationed stay (so it shows in the visit list and the stays list), marker in the notes."""
    start = datetime.date(2014, 4, 15)
    return Visit.objects.create(
        org=org,
        place=org,
        started_on=start,
        ended_on=start + datetime.timedelta(days=6),
        method="stationed",
        lead=_cadre(org),
        notes=marker,
        needs_text=marker,
    )


@factory(VisitMember)
def make_member(org, marker, viewer):
    visit = make_visit(org, marker, viewer)
    return VisitMember.objects.create(visit=visit, user=_cadre(org, marker), is_lead=True)


@factory(VisitDay)
def make_day(org, marker, viewer):
    """A division-level cadre (named by the marker) with one grassroots day: the compliance list."""
    visit = make_visit(org, marker, viewer)
    cadre = _cadre(org, marker, position=Position.VICE_CHAIR_FULL, rank=Rank.DIVISION)
    return VisitDay.objects.create(visit=visit, user=cadre, day=visit.started_on)


@factory(VisitGroupCount)
def make_group_count(org, marker, viewer):
    from fuqing.registry.models import VulnerableGroup

    visit = make_visit(org, marker, viewer)
    return VisitGroupCount.objects.create(visit=visit, group=VulnerableGroup.objects.first(), count=2)


@factory(VisitAttachment)
def make_attachment(org, marker, viewer):
    visit = make_visit(org, marker, viewer)
    name = storage().save(f"fieldwork/{visit.pk}/{uuid.uuid4().hex}.png", ContentFile(PNG))
    return VisitAttachment.objects.create(
        visit=visit,
        name=f"{marker}.png",
        kind="image",
        content_type="image/png",
        size=len(PNG),
        stored_name=name,
    )


@factory(ContactPoint)
def make_contact_point(org, marker, viewer):
    return ContactPoint.objects.create(org=org, place=org, since_year=2014, notes=marker)


@factory(Questionnaire)
def make_questionnaire(org, marker, viewer):
    """An open questionnaire (listed for filling too) with one optional text question."""
    questionnaire = Questionnaire.objects.create(org=org, year=2014, title=marker, status="open")
    Question.objects.create(questionnaire=questionnaire, position=1, code="q1", text="您的需求", kind="text")
    return questionnaire


@factory(Question)
def make_question(org, marker, viewer):
    questionnaire = Questionnaire.objects.create(org=org, year=2014, title="问卷", status="open")
    return Question.objects.create(
        questionnaire=questionnaire, position=1, code="q1", text=marker, kind="text"
    )


@factory(Response)
def make_response(org, marker, viewer):
    """A response of ``org`` to its own questionnaire; the marker is a text answer."""
    questionnaire = make_questionnaire(org, "问卷", viewer)
    response = Response.objects.create(
        questionnaire=questionnaire, org=org, year=2014, answered_on=datetime.date(2014, 4, 20)
    )
    Answer.objects.create(response=response, question=questionnaire.questions.get(), text=marker)
    return response


@factory(Answer)
def make_answer(org, marker, viewer):
    return make_response(org, marker, viewer).answers.get()
