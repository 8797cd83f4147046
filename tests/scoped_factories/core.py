"""Factories for the foundation's scoped models (orgs, core — jobs, audit, reminders — campaigns)."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from fuqing.campaigns.models import Campaign, Deadline
from fuqing.core import audit
from fuqing.core.analytics_models import AnalyticsCell, AnalyticsChange
from fuqing.core.models import AuditAction, AuditEvent, Job, Reminder
from fuqing.orgs.models import ApiToken, LoginSession, Org, ScopeGrant, User
from tests.scoped_factories import factory


@factory(Org)
def make_org(org, marker, viewer):
    # The object "at" a position is the organisation itself, renamed to carry the marker.
    Org.objects.filter(pk=org.pk).update(name=marker)
    return Org.objects.get(pk=org.pk)


def _user(org, marker):
    return User.objects.create(username=f"u{uuid.uuid4().hex[:10]}", name=marker, org=org)


@factory(User)
def make_user(org, marker, viewer):
    return _user(org, marker)


@factory(ScopeGrant)
def make_grant(org, marker, viewer):
    return ScopeGrant.objects.create(user=_user(org, marker), org=org)


@factory(LoginSession)
def make_login_session(org, marker, viewer):
    return LoginSession.objects.create(session_key=uuid.uuid4().hex, user=_user(org, marker))


@factory(ApiToken)
def make_token(org, marker, viewer):
    return ApiToken.objects.create(
        user=_user(org, marker), digest=uuid.uuid4().hex * 2, prefix="fq_x", expires_at=timezone.now()
    )


@factory(AuditEvent)
def make_audit(org, marker, viewer):
    return audit.record(AuditAction.UPDATE, org=org, object_repr=marker, username="factory")


@factory(Job)
def make_job(org, marker, viewer):
    """A finished import job of the viewer's, with its file (downloadable, re-runnable)."""
    from django.conf import settings

    from fuqing.core.ledger import write_xlsx

    path = str(settings.VAR_DIR / f"{uuid.uuid4().hex}.xlsx")
    write_xlsx(path, "t", ["名称"], [[marker]], [10])
    return Job.objects.create(
        org=org,
        user=viewer,
        kind="ledger_import",
        title=marker,
        status="succeeded",
        params={"ledger": "orgs"},
        input_file=path,
        output_file=path,
        output_name="x.xlsx",
        finished_at=timezone.now(),
    )


@factory(Reminder)
def make_reminder(org, marker, viewer):
    """A reminder to the viewer, filed under the position's unit (she sees only her own, in scope)."""
    return Reminder.objects.create(
        org=org,
        user=viewer,
        source="tests.object",
        key=uuid.uuid4().hex,
        kind="due_soon",
        title=marker,
        due_on=datetime.date(2099, 5, 10),
        url="/",
    )


@factory(Campaign)
def make_campaign(org, marker, viewer):
    year = 2000 + Campaign.objects.count()
    return Campaign.objects.create(
        org=org,
        year=year,
        name=marker,
        theme="主题",
        starts_on=datetime.date(year, 4, 1),
        ends_on=datetime.date(year, 8, 31),
    )


@factory(Deadline)
def make_deadline(org, marker, viewer):
    campaign = make_campaign(org, f"{marker}-campaign", viewer)
    return Deadline.objects.create(
        campaign=campaign, code="d", name=marker, due_on=datetime.date(campaign.year, 5, 10)
    )


@factory(AnalyticsCell)
def make_analytics_cell(org, marker, viewer):
    """A rolled-up count of the unit's subtree (the analytics tables, issue 16)."""
    return AnalyticsCell.objects.create(
        fact="test.fact", org=org, whole=True, day=datetime.date.today(), code=marker
    )


@factory(AnalyticsChange)
def make_analytics_change(org, marker, viewer):
    """A unit-day waiting for the worker's refresh."""
    return AnalyticsChange.objects.create(fact=marker, org=org, day=datetime.date.today())
