"""Factories for organisation building's scoped models (BLD-1 … BLD-6)."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from decimal import Decimal

from fuqing.building.models import (
    Attendance,
    Election,
    GroupActivity,
    GroupKind,
    GroupMember,
    Handbook,
    HandbookDownload,
    HandbookVersion,
    HomeActivity,
    HomePhoto,
    HomeSetting,
    TeamMember,
    TeamRole,
    TrainingLevel,
    TrainingSession,
    WomensGroup,
    WomensHome,
    WorkCondition,
)
from fuqing.core import uploads
from fuqing.registry.models import Woman
from tests.scoped_factories import factory

D = datetime.date(2014, 5, 10)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def stored_file(folder: str, content: bytes, extension: str) -> dict:
    """A file in the private store, as the upload policy would have written it."""
    relative = f"{folder}/2014/{uuid.uuid4().hex}{extension}"
    path = uploads.private_root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return {"file_path": relative, "file_size": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def home(org, name=None) -> WomensHome:
    return WomensHome.objects.create(
        org=org,
        name=name or f"妇女之家{uuid.uuid4().hex[:6]}",
        address="友谊路12号",
        setting=HomeSetting.objects.get(code="community"),
        founded_on=datetime.date(2013, 3, 8),
    )


def group(org, name=None) -> WomensGroup:
    return WomensGroup.objects.create(
        org=org, name=name or f"小组{uuid.uuid4().hex[:6]}", kind=GroupKind.BUILDING
    )


def session(org, topic=None) -> TrainingSession:
    return TrainingSession.objects.create(
        org=org,
        year=2014,
        held_on=D,
        place="会议室",
        level=TrainingLevel.TOWNSHIP,
        topic=topic or f"培训{uuid.uuid4().hex[:6]}",
        hours=Decimal("3"),
    )


def handbook(org, title=None) -> Handbook:
    return Handbook.objects.create(org=org, title=title or f"手册{uuid.uuid4().hex[:6]}", levels=["township"])


def version(book, changes="") -> HandbookVersion:
    pdf = b"%PDF-1.4\n%test\n"
    return HandbookVersion.objects.create(
        handbook=book,
        number=(book.versions.count() + 1),
        changes=changes,
        file_name="手册.pdf",
        content_type="application/pdf",
        **stored_file("building/handbooks", pdf, ".pdf"),
    )


@factory(WomensHome)
def make_home(org, marker, viewer):
    return home(org, marker)


@factory(HomePhoto)
def make_photo(org, marker, viewer):
    return HomePhoto.objects.create(
        home=home(org),
        caption=marker,
        file_name="照片.png",
        content_type="image/png",
        **stored_file("building/homes", PNG, ".png"),
    )


@factory(HomeActivity)
def make_home_activity(org, marker, viewer):
    return HomeActivity.objects.create(home=home(org), held_on=D, year=2014, theme=marker, attendance=12)


@factory(WomensGroup)
def make_group(org, marker, viewer):
    return group(org, marker)


@factory(GroupMember)
def make_member(org, marker, viewer):
    woman = Woman.objects.create(org=org, name=marker, registered_on=datetime.date(2014, 4, 1))
    return GroupMember.objects.create(group=group(org), woman=woman)


@factory(GroupActivity)
def make_group_activity(org, marker, viewer):
    return GroupActivity.objects.create(group=group(org), held_on=D, year=2014, theme=marker)


@factory(Election)
def make_election(org, marker, viewer):
    Election.objects.filter(org=org, is_current=True).update(is_current=False)
    election = Election.objects.create(
        org=org,
        held_on=datetime.date(2011, 9, 1),
        term_years=5,
        next_due=datetime.date(2016, 9, 1),
        note=marker,
    )
    TeamMember.objects.create(election=election, role=TeamRole.CHAIR, name=marker)
    return election


@factory(TeamMember)
def make_team_member(org, marker, viewer):
    current = not Election.objects.filter(org=org, is_current=True).exists()
    election = Election.objects.create(
        org=org,
        held_on=datetime.date(2011, 9, 1),
        term_years=5,
        next_due=datetime.date(2016, 9, 1),
        is_current=current,
    )
    return TeamMember.objects.create(election=election, role=TeamRole.CHAIR, name=marker)


@factory(TrainingSession)
def make_session(org, marker, viewer):
    return session(org, marker)


@factory(Attendance)
def make_attendance(org, marker, viewer):
    return Attendance.objects.create(
        session=session(org), org=org, name=marker, position="主席", hours=Decimal("3")
    )


@factory(Handbook)
def make_handbook(org, marker, viewer):
    book = handbook(org, marker)
    version(book, "首次发布")
    return book


@factory(HandbookVersion)
def make_version(org, marker, viewer):
    return version(handbook(org), marker)


@factory(HandbookDownload)
def make_download(org, marker, viewer):
    return HandbookDownload.objects.create(version=version(handbook(org, marker)), org=org, user=viewer)


@factory(WorkCondition)
def make_condition(org, marker, viewer):
    return WorkCondition.objects.create(
        org=org, year=2014, funding=Decimal(50000), venue="活动中心", note=marker
    )
