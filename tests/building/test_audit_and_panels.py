"""Issue 12 point 7: every write service of organisation building leaves an audit event (who, what,
which kind of record), and the home panel appears for the roles with ``building.view`` only."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fuqing.building import services
from fuqing.building.models import GroupMember, HomeSetting, TrainingLevel
from fuqing.core.models import AuditEvent
from fuqing.registry.models import Woman
from tests.conftest import make_user
from tests.scoped_factories.building import PNG, group, handbook, home, session, version

D = datetime.date(2014, 5, 10)


def _pdf():
    return SimpleUploadedFile("手册.pdf", b"%PDF-1.4\n%test\n", "application/pdf")


def _home_fields(**extra):
    return {
        "name": "友谊社区妇女之家",
        "address": "友谊路12号",
        "setting": HomeSetting.objects.get(code="community"),
        **extra,
    }


def _woman(org, name="王淑芬"):
    return Woman.objects.create(org=org, name=name, registered_on=datetime.date(2014, 4, 1))


def _member(tree):
    g = group(tree.a1)
    return GroupMember.objects.create(group=g, woman=_woman(tree.a1))


def _attendance(actor, tree):
    return services.add_attendance(actor, session(tree.a), org=tree.a1, name="李秀珍", position="主席")


# (service, the audited record's type, action, who acts, the call)
WRITES = [
    (
        "create_home",
        "womenshome",
        "create",
        "daoli",
        lambda u, t: services.create_home(u, t.a1a, **_home_fields()),
    ),
    (
        "update_home",
        "womenshome",
        "update",
        "daoli",
        lambda u, t: services.update_home(u, home(t.a1a), **_home_fields(name="新名")),
    ),
    (
        "add_activity",
        "homeactivity",
        "create",
        "daoli",
        lambda u, t: services.add_activity(u, home(t.a1a), held_on=D, theme="家庭教育讲座", attendance=25),
    ),
    (
        "add_photo",
        "homephoto",
        "create",
        "daoli",
        lambda u, t: services.add_photo(u, home(t.a1a), SimpleUploadedFile("门牌.png", PNG, "image/png")),
    ),
    (
        "delete_photo",
        "homephoto",
        "delete",
        "daoli",
        lambda u, t: services.homes.delete_photo(
            u, services.add_photo(u, home(t.a1a), SimpleUploadedFile("门牌.png", PNG, "image/png"))
        ),
    ),
    (
        "add_setting",
        "homesetting",
        "create",
        "sysadmin",
        lambda u, t: services.homes.add_setting(u, name="农家乐"),
    ),
    (
        "create_group",
        "womensgroup",
        "create",
        "daoli",
        lambda u, t: services.create_group(u, t.a1, name="王家屯妇女小组", kind="natural_village"),
    ),
    (
        "update_group",
        "womensgroup",
        "update",
        "daoli",
        lambda u, t: services.groups.update_group(u, group(t.a1), name="改名小组", kind="natural_village"),
    ),
    (
        "add_members",
        "womensgroup",
        "update",
        "daoli",
        lambda u, t: services.groups.add_members(u, group(t.a1), [_woman(t.a1)]),
    ),
    (
        "remove_member",
        "womensgroup",
        "update",
        "daoli",
        lambda u, t: services.groups.remove_member(u, _member(t)),
    ),
    (
        "add_group_activity",
        "groupactivity",
        "create",
        "daoli",
        lambda u, t: services.groups.add_group_activity(
            u, group(t.a1), held_on=D, theme="编织", attendance=8
        ),
    ),
    (
        "record_election",
        "election",
        "create",
        "daoli",
        lambda u, t: services.record_election(
            u, t.a1, held_on=datetime.date(2013, 1, 5), members=[{"role": "chair", "name": "张丽华"}]
        ),
    ),
    (
        "create_session",
        "trainingsession",
        "create",
        "daoli",
        lambda u, t: services.create_session(
            u,
            t.a,
            held_on=D,
            place="会议室",
            level=TrainingLevel.TOWNSHIP,
            topic="业务培训",
            hours=Decimal("6"),
        ),
    ),
    (
        "update_session",
        "trainingsession",
        "update",
        "daoli",
        lambda u, t: services.training.update_session(
            u,
            session(t.a),
            held_on=D,
            place="党校",
            level=TrainingLevel.COMMUNITY,
            topic="业务培训",
            hours=Decimal("4"),
        ),
    ),
    ("add_attendance", "attendance", "create", "daoli", _attendance),
    (
        "remove_attendance",
        "attendance",
        "delete",
        "daoli",
        lambda u, t: services.training.remove_attendance(u, _attendance(u, t)),
    ),
    (
        "create_handbook",
        "handbook",
        "create",
        "daoli",
        lambda u, t: services.handbook.create_handbook(
            u, t.a, title="妇女工作实用手册", levels=["township"], upload=_pdf()
        ),
    ),
    (
        "add_version",
        "handbookversion",
        "create",
        "daoli",
        lambda u, t: services.handbook.add_version(u, _book(t), upload=_pdf(), changes="增补两癌救助政策"),
    ),
    (
        "save_condition",
        "workcondition",
        "create",
        "daoli",
        lambda u, t: services.save_condition(u, t.a1, year=2014, funding=Decimal("20000")),
    ),
]


def _book(tree):
    book = handbook(tree.a)
    version(book, "首次发布")
    return book


@pytest.mark.parametrize(("service", "kind", "action", "who", "call"), WRITES, ids=[w[0] for w in WRITES])
def test_bld7_every_building_write_is_audited(service, kind, action, who, call, tree, request):
    actor = request.getfixturevalue(who)
    events = AuditEvent.objects.filter(object_type=f"building.{kind}", action=action, actor=actor)
    before = events.count()
    call(actor, tree)
    assert events.count() == before + 1, f"{service} left no '{action}' audit event on building.{kind}"
    assert events.latest("seq").result == "success"


def test_bld7_the_audit_cases_cover_every_write_service():
    """A new write service of the app must be added to WRITES (each calls ``common.record``)."""
    import inspect

    from fuqing.building.services import common

    writers = set()
    for module in (
        services.homes,
        services.groups,
        services.elections,
        services.training,
        services.handbook,
        services.conditions,
    ):
        for name, func in inspect.getmembers(module, inspect.isfunction):
            public = not name.startswith("_")  # _store_version: through create_handbook, add_version
            if public and func.__module__ == module.__name__ and "record(" in inspect.getsource(func):
                writers.add(name)
    writers.discard(common.record.__name__)
    assert writers - {w[0] for w in WRITES} == set()


@pytest.mark.parametrize(
    ("roles", "shown"),
    [
        (["leader"], True),
        (["cadre"], True),
        (["inspector"], True),
        (["volunteer"], False),
        (["researcher"], True),
        ([], False),
    ],
    ids=["leader", "cadre", "inspector", "volunteer", "researcher", "no-role"],
)
def test_bld7_the_home_panel_is_shown_to_the_roles_with_building_view_only(roles, shown, client, tree):
    user = make_user(tree.a, *roles)
    assert user.has_module_perm("building", "view") is shown
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert ('data-panel="building-coverage"' in response.content.decode()) is shown
