"""Factories for research's scoped models (the access matrix, tests/core/test_access_matrix.py)."""

import datetime
import itertools
import uuid
from decimal import Decimal

from django.utils import timezone

from fuqing.core.scoping import user_scope
from fuqing.orgs import services as org_services
from fuqing.orgs.models import OrgKind, User
from fuqing.research.models import (
    Book,
    BookItem,
    Competition,
    Criterion,
    Entry,
    Judge,
    Report,
    ReportEvent,
    Score,
    ScoreSheet,
    Topic,
)
from tests.scoped_factories import factory

_years = itertools.count(1)


def this_year() -> int:
    """Research lists open on the current campaign year (no campaign in tests: this year)."""
    return timezone.localdate().year


def _user(org, name="成员"):
    return User.objects.create(username=f"r{uuid.uuid4().hex[:10]}", name=name, org=org)


@factory(Topic)
def make_topic(org, marker, viewer):
    return Topic.objects.create(org=org, year=this_year(), title=marker, leader=_user(org))


@factory(Report)
def make_report(org, marker, viewer):
    return Report.objects.create(
        org=org,
        year=this_year(),
        title=marker,
        situation="情况",
        analysis="分析",
        recommendations="建议",
    )


@factory(ReportEvent)
def make_report_event(org, marker, viewer):
    report = make_report(org, f"{marker}-report", viewer)
    return ReportEvent.objects.create(report=report, kind="commented", comment=marker)


@factory(Competition)
def make_competition(org, marker, viewer):
    return Competition.objects.create(org=org, year=2000 + next(_years), name=marker)


@factory(Criterion)
def make_criterion(org, marker, viewer):
    return Criterion.objects.create(
        competition=make_competition(org, marker, viewer), name=marker, weight=100
    )


@factory(Judge)
def make_judge(org, marker, viewer):
    return Judge.objects.create(competition=make_competition(org, marker, viewer), user=_user(org, marker))


@factory(Entry)
def make_entry(org, marker, viewer):
    competition = make_competition(org, f"{marker}-cup", viewer)
    return Entry.objects.create(competition=competition, report=make_report(org, marker, viewer), code="1001")


@factory(ScoreSheet)
def make_sheet(org, marker, viewer):
    """A sheet the viewer scored when the competition is hers (she may change it); another judge's
    otherwise. The report comes from a unit of another city, so no judge has to abstain."""
    competition = make_competition(org, f"{marker}-cup", viewer)
    criterion = Criterion.objects.create(competition=competition, name="选题价值", weight=100)
    elsewhere = org_services.add_org(None, parent=None, name=f"外市{uuid.uuid4().hex[:6]}", kind=OrgKind.CITY)
    report = make_report(elsewhere, f"{marker}-report", viewer)
    entry = Entry.objects.create(competition=competition, report=report, code="2002")
    judge_user = viewer if user_scope(viewer).covers(org.path, edit=True) else _user(org)
    judge = Judge.objects.create(competition=competition, user=judge_user)
    sheet = ScoreSheet.objects.create(entry=entry, judge=judge, comment=marker)
    Score.objects.create(sheet=sheet, criterion=criterion, value=Decimal("80"))
    return sheet


@factory(Score)
def make_score(org, marker, viewer):
    return make_sheet(org, marker, viewer).scores.get()


@factory(Book)
def make_book(org, marker, viewer):
    return Book.objects.create(
        org=org, year=this_year(), title=marker, issuer="研究室", issued_on=datetime.date(2014, 9, 1)
    )


@factory(BookItem)
def make_book_item(org, marker, viewer):
    book = make_book(org, marker, viewer)
    return BookItem.objects.create(book=book, report=make_report(org, f"{marker}-report", viewer), position=1)
