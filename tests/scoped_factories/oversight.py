"""Factories for oversight's scoped models (the access matrix, tests/core/test_access_matrix.py)."""

import datetime
import itertools
import uuid
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fuqing.core import uploads
from fuqing.orgs.models import Position, Rank, Role, User
from fuqing.oversight.models import (
    Assignment,
    GoodCase,
    InspectorScore,
    Item,
    Practice,
    PublicityItem,
    Recommendation,
    ResultSheet,
    Scheme,
)
from tests.scoped_factories import factory

_years = itertools.count(1)


def this_year() -> int:
    """Oversight lists open on the current campaign year (no campaign in tests: this year)."""
    return timezone.localdate().year


def _stored(marker: str) -> dict:
    """A real PDF under the private root (downloads are read by the matrix), named by the marker."""
    upload = SimpleUploadedFile(f"{marker}.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    with uploads.store_private(upload, uploads.FILE_TYPES[".pdf"], "oversight") as stored:
        return stored.fields()


def _user(org, name="督查员", role="inspector"):
    user = User.objects.create(username=f"o{uuid.uuid4().hex[:10]}", name=name, org=org)
    user.roles.set(Role.objects.filter(code=role))
    return user


@factory(Scheme)
def make_scheme(org, marker, viewer):
    return Scheme.objects.create(org=org, year=2000 + next(_years), name=marker)


@factory(Item)
def make_item(org, marker, viewer):
    return Item.objects.create(
        scheme=make_scheme(org, marker, viewer), name=marker, kind="inspected", weight=Decimal(10), position=1
    )


@factory(Assignment)
def make_assignment(org, marker, viewer):
    return Assignment.objects.create(
        scheme=make_scheme(org, marker, viewer), inspector=_user(org, marker), unit=org
    )


@factory(InspectorScore)
def make_score(org, marker, viewer):
    item = make_item(org, f"{marker}-item", viewer)
    return InspectorScore.objects.create(
        item=item, unit=org, points=Decimal(5), comment=marker, **_stored(marker)
    )


@factory(ResultSheet)
def make_sheet(org, marker, viewer):
    scheme = make_scheme(org, f"{marker}-scheme", viewer)
    return ResultSheet.objects.create(
        scheme=scheme,
        unit=org,
        level="district",
        parent=org,
        total=Decimal(80),
        rank=1,
        of=1,
        items=[{"item": 0, "name": marker, "kind": "inspected", "weight": "10", "points": "8"}],
        as_of=timezone.now(),
    )


@factory(Recommendation)
def make_recommendation(org, marker, viewer):
    person = User.objects.create(
        username=f"o{uuid.uuid4().hex[:10]}",
        name=marker,
        org=org,
        position=Position.CHAIR,
        rank=Rank.DIVISION,
    )
    return Recommendation.objects.create(org=org, year=this_year(), person=person, reason=marker)


@factory(GoodCase)
def make_case(org, marker, viewer):
    return GoodCase.objects.create(
        org=org,
        year=this_year(),
        title=marker,
        story=marker * 3,
        source_kind="project",
        source_id="1",
        source_label=marker,
        evidence_note=marker,
        **_stored(marker),
    )


@factory(PublicityItem)
def make_publicity(org, marker, viewer):
    return PublicityItem.objects.create(
        org=org,
        year=this_year(),
        media=marker,
        published_on=datetime.date(this_year(), 5, 1),
        title=marker,
        activity=marker,
    )


@factory(Practice)
def make_practice(org, marker, viewer):
    return Practice.objects.create(
        org=org,
        year=this_year(),
        title=marker,
        issued_on=datetime.date(this_year(), 5, 1),
        **_stored(marker),
    )
