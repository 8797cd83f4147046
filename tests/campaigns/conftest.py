"""The 2014 campaign at the cast's city, with the notice's calendar: the survey-month summary and the
annual summary are owed by districts and departments (道里 A, 南岗 B, 研究室), the recommendation by
the city."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fuqing.campaigns.models import Obligation
from fuqing.campaigns.services import create_campaign


@pytest.fixture
def campaign(tree):
    return create_campaign(
        None,
        org=tree.city,
        year=2014,
        starts_on=datetime.date(2014, 4, 1),
        ends_on=datetime.date(2014, 8, 31),
    )


@pytest.fixture
def survey(campaign):
    return campaign.deadlines.get(code="survey-summary")


@pytest.fixture
def annual(campaign):
    return campaign.deadlines.get(code="annual-summary")


def obligation(deadline, org) -> Obligation:
    return Obligation.objects.select_related("deadline", "org").get(deadline=deadline, org=org)


def docx_bytes(text: str = "调研月活动总结") -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx(name: str = "总结.docx", text: str = "调研月活动总结") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, docx_bytes(text))


def at(day: str, hour: int = 10) -> datetime.datetime:
    from zoneinfo import ZoneInfo

    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(hour), ZoneInfo("Asia/Shanghai")
    )


@pytest.fixture(autouse=True, scope="session")
def _urls_loaded_before_any_frozen_clock():
    """The API's schemas are built when the URLconf loads; under freezegun they would see its fake
    date class. Load them first."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018


@pytest.fixture(autouse=True)
def _jobs_keep_the_test_connection(monkeypatch):
    """``fuqing.core.jobs.execute_job`` calls close_old_connections(), which on PostgreSQL closes the
    connection holding the test's transaction when the immediate backend runs a job inside it (reported
    to the lead). Outside tests the worker runs jobs between transactions, where closing is right."""
    from fuqing.core import jobs

    monkeypatch.setattr(jobs, "close_old_connections", lambda: None)
