"""Factories for the campaign calendar's scoped models (plans, obligations, submissions).

Each row hangs on a campaign of year 2099 at the position's own unit, so it is the latest campaign the
viewer sees and the year-bound pages (plans, 报送情况) show it.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from fuqing.campaigns.models import (
    Campaign,
    Deadline,
    DeadlineKind,
    Obligation,
    Plan,
    PlanAttachment,
    PlanVersion,
    Submission,
)
from fuqing.core import uploads
from fuqing.orgs.models import Org, User
from tests.scoped_factories import factory

YEAR = 2099


def campaign_at(org) -> Campaign:
    campaign, _created = Campaign.objects.get_or_create(
        org=org,
        year=YEAR,
        defaults={
            "name": "下基层、访妇情、办实事",
            "theme": "主题",
            "starts_on": datetime.date(YEAR, 4, 1),
            "ends_on": datetime.date(YEAR, 8, 31),
        },
    )
    return campaign


def obligation_at(org, deadline_name: str = "调研月活动总结") -> Obligation:
    """A survey-month summary owed by ``org`` (a summary: it takes uploads and drafts alike)."""
    campaign = campaign_at(org)
    code = f"d{Deadline.objects.filter(campaign=campaign).count() + 1}"
    deadline = Deadline.objects.create(
        campaign=campaign,
        code=code,
        name=deadline_name,
        due_on=datetime.date(YEAR, 5, 10),
        kind=DeadlineKind.SURVEY_SUMMARY,
    )
    return Obligation.objects.create(deadline=deadline, org=org)


def docx_upload(name: str = "总结.docx", text: str = "总结") -> SimpleUploadedFile:
    from fuqing.campaigns.demo import demo_docx

    return SimpleUploadedFile(name, demo_docx(text, text))


@factory(Obligation)
def make_obligation(org, marker, viewer):
    """The owing unit carries the marker (as the Org factory does): the deadline itself is visible
    down the tree, so a marker there would show to units that cannot see this obligation."""
    Org.objects.filter(pk=org.pk).update(name=marker)
    return obligation_at(Org.objects.get(pk=org.pk))


@factory(Submission)
def make_submission(org, marker, viewer):
    obligation = obligation_at(org, deadline_name=marker)
    kind = uploads.FILE_TYPES[".docx"]
    with uploads.store_private(docx_upload(f"{marker}.docx", marker), kind, "submissions") as stored:
        return Submission.objects.create(
            obligation=obligation,
            version=1,
            note=marker,
            submitted_at=datetime.datetime(YEAR, 5, 1, tzinfo=datetime.UTC),
            **stored.fields(),
        )


def _leader(org) -> User:
    return User.objects.create(username=f"lead{User.objects.count()}", name="组长", org=org)


@factory(Plan)
def make_plan(org, marker, viewer):
    plan = Plan.objects.create(
        campaign=campaign_at(org), org=org, title=marker, goals="目标", responsibilities="责任"
    )
    leader = _leader(org)
    plan.leaders.set([leader])
    PlanVersion.objects.create(
        plan=plan,
        version=1,
        title=marker,
        goals="目标",
        responsibilities="责任",
        leaders=[{"id": leader.pk, "name": leader.name}],
        event="create",
    )
    return plan


@factory(PlanVersion)
def make_plan_version(org, marker, viewer):
    return make_plan(org, marker, viewer).versions.get()


@factory(PlanAttachment)
def make_attachment(org, marker, viewer):
    plan = make_plan(org, f"{marker}-plan", viewer)
    kind = uploads.FILE_TYPES[".docx"]
    with uploads.store_private(docx_upload(f"{marker}.docx", marker), kind, "plans") as stored:
        return PlanAttachment.objects.create(plan=plan, **stored.fields())
