"""FLD-2 / NEED-1: the needs a visit finds are recorded straight into the needs register — through the
visit form's quick "one need per line (类别：描述)" entry, the visits API and the visits ledger — as
``assistance.Need`` rows linked to the visit, in the visit's transaction, never duplicated by edits."""

from __future__ import annotations

import datetime
import uuid

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fuqing.assistance import services as needs_services
from fuqing.assistance.models import Need, NeedCategory, NeedEvent
from fuqing.core.ledger import ImportContext, get_ledger, import_file
from fuqing.core.models import AuditEvent
from fuqing.fieldwork import services
from fuqing.fieldwork.models import Visit
from fuqing.orgs.models import Role
from tests.conftest import make_user
from tests.fieldwork.conftest import record
from tests.fieldwork.test_api import token_for

DAY = datetime.date(2014, 4, 15)


def _form(tree, user, needs_text, **extra):
    return {
        "id": uuid.uuid4(),
        "started_on": DAY.isoformat(),
        "method": "home_visit",
        "place": tree.a1a.pk,
        "org": tree.a.pk,
        "lead": user.pk,
        "members": [user.pk],
        "women_met": "6",
        "needs_text": needs_text,
        **extra,
    }


def _edit(visit, user, needs_text):
    return services.save_visit(
        user,
        visit,
        services.VisitData(
            org=visit.org,
            started_on=visit.started_on,
            ended_on=visit.ended_on,
            method=visit.method,
            place=visit.place,
            lead=visit.lead,
            members=[visit.lead],
            women_met=visit.women_met,
            needs_text=needs_text,
        ),
    )[0]


def test_fld2_need1_saving_a_visit_records_its_needs_in_the_register(tree, daoli, login_as):
    client = login_as(daoli)
    response = client.post(
        reverse("fieldwork:visit-add"),
        _form(tree, daoli, "就业：想学家政技能\n【住房】危房待修\n教育：孩子上学远\n3个孩子放学后无人托管"),
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    needs = list(Need.objects.filter(visit=visit).select_related("category"))
    assert sorted((n.category.name, n.description) for n in needs) == sorted(
        [
            ("就业", "想学家政技能"),
            ("住房", "危房待修"),
            ("子女教育", "孩子上学远"),  # the prefix names the dictionary's entry
            ("子女教育", "3个孩子放学后无人托管"),  # no prefix: assistance's reading of the words
        ]
    )
    for need in needs:
        assert (need.org, need.reported_on, need.source, need.status) == (tree.a, DAY, "visit", "open")
        assert need.year == 2014 and need.created_by == daoli and "友谊社区" in need.group_description
    assert set(NeedEvent.objects.filter(need__visit=visit).values_list("type", flat=True)) == {"created"}
    assert AuditEvent.objects.filter(object_type="assistance.need", action="create").count() == 4
    page = client.get(reverse("fieldwork:visit-detail", args=[visit.pk])).content.decode()
    for need in needs:
        assert reverse("assistance:need-detail", args=[need.pk]) in page
    assert "转为诉求" not in page  # nothing left as text only
    need_page = client.get(reverse("assistance:need-detail", args=[needs[0].pk])).content.decode()
    assert reverse("fieldwork:visit-detail", args=[visit.pk]) in need_page


def test_need1_prefixes_outside_the_dictionary_fall_back_to_assistance_rule(db):
    lines = needs_services.visit_need_lines("法律：遭受家庭暴力\n孩子：想找托管班\n婚姻：婆媳矛盾\n随便说说")
    cats = list(NeedCategory.objects.all())
    got = [needs_services.category_for_line(i.prefix, i.text, cats) for i in lines]
    assert [(c.code, named) for c, named in got] == [
        ("legal-rights", False),  # 法律 is not an entry; its words point to 权益维护
        ("education", False),
        ("marriage-family", True),  # 婚姻 is part of 婚姻家庭
        ("other", False),
    ]


def test_fld2_editing_a_visit_never_duplicates_its_needs(tree, daoli):
    visit = record(daoli, start=DAY, place=tree.a1a, needs_text="就业：想学家政技能\n住房：危房待修")
    first = set(Need.objects.filter(visit=visit).values_list("pk", flat=True))
    assert len(first) == 2
    _edit(visit, daoli, "就业:想学家政技能\n住房：危房待修")  # the same lines (a half-width colon)
    _edit(visit, daoli, "就业：想学家政技能\n住房：危房待修")
    assert set(Need.objects.filter(visit=visit).values_list("pk", flat=True)) == first
    _edit(visit, daoli, "就业：想学家政技能\n住房：危房待修\n健康：两癌筛查名额少")
    assert Need.objects.filter(visit=visit).count() == 3


def test_fld2_a_line_taken_out_takes_its_untouched_need_but_not_one_in_hand(tree, daoli):
    visit = record(daoli, start=DAY, place=tree.a1a, needs_text="就业：想学家政技能\n住房：危房待修")
    job = Need.objects.get(visit=visit, category__code="employment")
    housing = Need.objects.get(visit=visit, category__code="housing")
    needs_services.resolve_need(daoli, housing, note="已协调危房改造", on=DAY)
    _edit(visit, daoli, "就业：想学家政和育婴技能")  # one line corrected, the other taken out
    assert not Need.objects.filter(pk=job.pk).exists()  # nobody had worked on it: it goes
    assert Need.objects.filter(pk=housing.pk, visit=visit).exists()  # resolved: it stays
    assert list(
        Need.objects.filter(visit=visit).order_by("description").values_list("description", flat=True)
    ) == [
        "危房待修",
        "想学家政和育婴技能",
    ]
    assert AuditEvent.objects.filter(
        object_type="assistance.need", object_id=str(job.pk), action="delete"
    ).exists()


def test_fld2_a_visit_and_its_needs_are_saved_together_or_not_at_all(tree, daoli, login_as, monkeypatch):
    def broken(*args, **kwargs):
        raise ValidationError({"description": "诉求描述必填。"}, code="NEED-1")

    monkeypatch.setattr(needs_services, "create_need", broken)
    response = login_as(daoli).post(reverse("fieldwork:visit-add"), _form(tree, daoli, "就业：想学家政技能"))
    assert response.status_code == 200
    assert "第 1 条诉求“就业：想学家政技能”：诉求描述必填。" in response.content.decode()
    assert not Visit.objects.exists() and not Need.objects.exists()


def test_need1_a_visit_not_yet_made_cannot_carry_needs(tree, daoli, today):
    today(datetime.date(2014, 4, 10))
    with pytest.raises(ValidationError) as caught:
        record(daoli, start=DAY, place=tree.a1a, needs_text="就业：想学家政技能")
    assert "开始日期晚于今天" in caught.value.message_dict["needs_text"][0]
    assert record(daoli, start=DAY, place=tree.a1a).pk  # a planned visit without needs is fine


def test_fld2_deleting_a_visit_takes_its_untouched_needs_and_keeps_those_in_hand(tree, daoli):
    visit = record(daoli, start=DAY, place=tree.a1a, needs_text="就业：想学家政技能\n住房：危房待修")
    housing = Need.objects.get(visit=visit, category__code="housing")
    needs_services.counsel_need(daoli, housing, explanation="今年指标已满，列入明年计划", on=DAY)
    services.delete_visit(daoli, visit)
    assert list(Need.objects.values_list("pk", "visit")) == [(housing.pk, None)]


@pytest.fixture
def field_only(tree):
    """A cadre whose role covers field work but not the needs register."""
    role = Role.objects.create(
        code="field-only", name="走访专干", permissions=["fieldwork.view", "fieldwork.edit"]
    )
    user = make_user(tree.a, username="field_only")
    user.roles.set([role])
    return user


def test_need1_without_the_right_to_record_needs_they_stay_text_until_converted(
    tree, field_only, daoli, login_as
):
    visit = record(field_only, start=DAY, place=tree.a1a, needs_text="就业：想学家政技能\n住房：危房待修")
    assert not Need.objects.exists()
    visit.refresh_from_db()
    assert visit.needs_text == "就业：想学家政技能\n住房：危房待修"
    client = login_as(daoli)
    page = client.get(reverse("fieldwork:visit-detail", args=[visit.pk])).content.decode()
    assert "还没有登记到诉求台账" in page and "转为诉求" in page
    assert reverse("assistance:visit-convert", args=[visit.pk]) in page
    response = client.post(reverse("assistance:visit-convert", args=[visit.pk]))
    assert response["Location"] == reverse("fieldwork:visit-detail", args=[visit.pk])
    assert Need.objects.filter(visit=visit).count() == 2
    page = client.get(reverse("fieldwork:visit-detail", args=[visit.pk])).content.decode()
    assert "转为诉求" not in page and "想学家政技能" in page
    _edit(visit, daoli, visit.needs_text)  # converted lines are the same lines: nothing new
    assert Need.objects.filter(visit=visit).count() == 2


def test_need1_the_visit_page_offers_conversion_only_to_who_may_record_needs(tree, field_only, login_as):
    visit = record(field_only, start=DAY, place=tree.a1a, needs_text="就业：想学家政技能")
    page = login_as(field_only).get(reverse("fieldwork:visit-detail", args=[visit.pk])).content.decode()
    assert "就业：想学家政技能" in page  # she sees what she wrote
    assert reverse("assistance:visit-convert", args=[visit.pk]) not in page  # but may not convert it


def test_fld2_plt3_the_visits_api_records_needs_and_shows_them(tree, daoli, client):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(daoli)}"}
    body = {
        "id": str(uuid.uuid4()),
        "started_on": DAY.isoformat(),
        "method": "forum",
        "place": tree.a1a.pk,
        "women_met": 15,
        "needs": [{"category": "就业", "text": "想学家政技能"}, {"category": "", "text": "两癌筛查名额少"}],
    }
    created = client.post("/api/v1/visits/", body, content_type="application/json", **headers)
    assert created.status_code == 201
    out = created.json()
    assert [(n["category"], n["description"], n["status"]) for n in out["registered_needs"]] == [
        ("就业", "想学家政技能", "open"),
        ("健康", "两癌筛查名额少", "open"),
    ]
    assert Need.objects.filter(visit_id=out["id"], source="forum").count() == 2  # a forum's needs
    replay = client.post("/api/v1/visits/", body, content_type="application/json", **headers)
    assert replay.status_code == 200 and Need.objects.count() == 2
    put = client.put(
        f"/api/v1/visits/{out['id']}/",
        {"notes": "补记情况", "needs_text": "就业：想学家政技能\n两癌筛查名额少"},
        content_type="application/json",
        **headers,
    )
    assert put.status_code == 200 and Need.objects.count() == 2
    assert len(client.get(f"/api/v1/visits/{out['id']}/", **headers).json()["registered_needs"]) == 2


def test_fld2_rpt3_the_visits_ledger_import_records_needs(tree, daoli, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["走访日期", "方式", "地点", "带队领导", "妇女人数", "诉求"])
    book.active.append(["2014-4-15", "入户走访", "友谊社区", "daoli", 3, "就业：家政培训；住房：危房"])
    book.active.append(["2014-4-16", "座谈交流", "新阳路街道", "daoli", 9, ""])
    path = tmp_path / "visits.xlsx"
    book.save(path)
    summary = import_file(get_ledger("visits"), str(path), ImportContext(actor=daoli, org=tree.a))
    assert summary.errors == [] and summary.imported == 2
    visit = Visit.objects.get(started_on=DAY)
    assert sorted(Need.objects.filter(visit=visit).values_list("category__name", "description")) == [
        ("住房", "危房"),
        ("就业", "家政培训"),
    ]


def test_need1_ledger_rows_of_a_visit_not_yet_made_with_needs_are_refused_by_row(
    tree, daoli, tmp_path, today
):
    today(datetime.date(2014, 4, 15))
    book = openpyxl.Workbook()
    book.active.append(["走访日期", "方式", "地点", "带队领导", "诉求"])
    book.active.append(["2014-4-20", "入户走访", "友谊社区", "daoli", "就业：家政培训"])
    path = tmp_path / "future.xlsx"
    book.save(path)
    summary = import_file(get_ledger("visits"), str(path), ImportContext(actor=daoli, org=tree.a))
    assert summary.imported == 0 and not Visit.objects.exists()
    assert any("开始日期晚于今天" in e.message for e in summary.errors)


def test_fld2_a_visit_moved_to_another_unit_or_day_takes_its_untouched_needs(tree, daoli):
    from fuqing.assistance.models import NeedKeyword

    visit = record(daoli, start=DAY, place=tree.a1a, needs_text="就业：希望提供灵活就业岗位\n住房：危房待修")
    housing = Need.objects.get(visit=visit, category__code="housing")
    needs_services.resolve_need(daoli, housing, note="已协调", on=DAY)
    moved = datetime.date(2014, 5, 6)
    services.save_visit(
        daoli,
        visit,
        services.VisitData(
            org=tree.a1, started_on=moved, ended_on=moved, method=visit.method, place=visit.place,
            lead=daoli, members=[daoli], needs_text=visit.needs_text,
        ),
    )  # fmt: skip
    job = Need.objects.get(visit=visit, category__code="employment")
    assert (job.org, job.reported_on, job.month) == (tree.a1, moved, 5)
    assert set(NeedKeyword.objects.filter(need=job).values_list("org", flat=True)) == {tree.a1.pk}
    housing.refresh_from_db()
    assert (housing.org, housing.reported_on) == (tree.a, DAY)  # in hand: it stays where it was
    assert Need.objects.filter(visit=visit).count() == 2


def test_fld2_english_category_names_and_half_width_colons_file_under_the_category(tree, daoli, login_as):
    assert services.parse_needs("Employment: wants housekeeping training\nHousing：house needs repair") == [
        {"category": "就业", "text": "wants housekeeping training"},
        {"category": "住房", "text": "house needs repair"},
    ]
    assert services.parse_needs("see http://example.org")[0]["category"] == ""
    from django.utils.functional import Promise

    from fuqing.fieldwork.forms import VisitForm

    placeholder = VisitForm.base_fields["needs_text"].widget.attrs["placeholder"]
    assert isinstance(placeholder, Promise)  # a translated string (the lead adds its English)
    client = login_as(daoli)
    response = client.post(
        reverse("fieldwork:visit-add"),
        _form(tree, daoli, "Employment: wants housekeeping training\nLegal rights: help with a divorce"),
    )
    assert response.status_code == 302
    needs = Need.objects.filter(visit=Visit.objects.get()).select_related("category")
    assert sorted((n.category.code, n.description) for n in needs) == [
        ("employment", "wants housekeeping training"),
        ("legal-rights", "help with a divorce"),
    ]
