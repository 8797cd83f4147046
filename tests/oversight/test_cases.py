"""Good cases, publicity and rules (issue 13 point 4, SUP-2, SUP-4): a case is written from a need, a
pairing, a project (or a Home) with evidence; the unit submits, the city selects and promotes, and a
promoted case appears on the home pages below the city; publicity is counted per unit; rules are
recorded with their document."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from fuqing.core.models import AuditEvent
from fuqing.oversight.models import GoodCase, Practice, PublicityItem
from fuqing.oversight.services import cases
from tests.conftest import make_user
from tests.oversight.conftest import need

STORY = "走访中发现失地妇女再就业难，区妇联协调开办家政培训班，帮助她们稳定就业。"
PDF = b"%PDF-1.4\n%%EOF\n"


def _case(actor, org, source, **extra):
    data = {
        "org": org,
        "year": 2014,
        "title": "一件诉求办成一条出路",
        "story": STORY,
        "source_kind": "need",
        "source_id": source.pk,
        "evidence_note": "走访记录",
    } | extra
    return cases.create_case(actor, **data)


def test_sup2_a_case_is_written_from_a_need_with_evidence(tree, daoli):
    source = need(tree.a1a, status="resolved")
    case = _case(
        daoli, tree.a, source, evidence=SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20)
    )
    assert case.source_label.startswith("诉求：") and case.file_name == "照片.jpg" and case.status == "draft"
    assert AuditEvent.objects.filter(object_type="oversight.goodcase", object_id=str(case.pk)).exists()


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"title": ""}, "title", "案例标题：请填写"),
        ({"story": "太短"}, "story", "不少于20字"),
        ({"evidence_note": ""}, "evidence", "佐证材料"),
        ({"source_kind": "nothing"}, "source_kind", "案例来源"),
        ({"year": 1900}, "year", "年度"),
    ],
)
def test_sup2_a_bad_case_is_refused_naming_its_field(tree, daoli, extra, field, message):
    with pytest.raises(ValidationError) as exc:
        _case(daoli, tree.a, need(tree.a1a), **extra)
    assert message in exc.value.message_dict[field][0]
    assert not GoodCase.objects.exists()


def test_sup2_a_source_outside_the_scope_is_not_found(tree, daoli):
    with pytest.raises(ValidationError) as exc:
        _case(daoli, tree.a, need(tree.b1))
    assert "不在您的范围内" in exc.value.message_dict["source_id"][0]


def test_sup2_a_file_of_the_wrong_kind_is_refused(tree, daoli):
    with pytest.raises(ValidationError) as exc:
        _case(daoli, tree.a, need(tree.a1a), evidence=SimpleUploadedFile("a.exe", b"MZ" + b"0" * 10))
    assert "佐证材料" in exc.value.message_dict["evidence"][0]


def test_sup2_units_submit_the_city_selects_and_promotes_to_the_home_pages_below(
    tree, daoli, city_leader, login_as
):
    case = _case(daoli, tree.a, need(tree.a1a, status="resolved"))
    with pytest.raises(PermissionDenied):
        cases.decide_case(daoli, case, "promote")  # a district does not promote
    client = login_as(daoli)
    client.post(f"/oversight/cases/{case.pk}/action/", {"decision": "submit"})
    case.refresh_from_db()
    assert case.status == "submitted"
    city = login_as(city_leader)
    city.post(f"/oversight/cases/{case.pk}/action/", {"decision": "promote", "note": "全市推广"})
    case.refresh_from_db()
    assert case.status == "promoted" and case.promoted_by_org == tree.city
    street = make_user(tree.a1, "cadre")
    home = login_as(street).get("/?year=2014").content.decode()
    assert 'data-panel="oversight-cases"' in home and case.title in home
    sibling = make_user(tree.b, "leader")
    client = login_as(sibling)
    home = client.get("/?year=2014").content.decode()
    assert case.title in home  # promoted to every unit below the city …
    assert client.get(f"/oversight/cases/{case.pk}/").status_code == 404  # … its record stays the district's
    outside = make_user(tree.other, "leader")
    assert case.title not in login_as(outside).get("/?year=2014").content.decode()


def test_sup2_returning_needs_a_reason(tree, daoli, city_leader):
    case = cases.submit_case(daoli, _case(daoli, tree.a, need(tree.a1a)))
    with pytest.raises(ValidationError) as exc:
        cases.decide_case(city_leader, case, "return", "")
    assert "退回时请写明理由" in exc.value.message_dict["note"][0]


def test_sup2_publicity_is_counted_per_unit(
    tree, daoli, city_leader, login_as, django_assert_max_num_queries
):
    case = _case(daoli, tree.a, need(tree.a1a))
    for n in range(3):
        cases.add_publicity(
            daoli,
            org=tree.a1,
            media="新晚报",
            published_on=datetime.date(2014, 5, n + 1),
            title=f"报道{n}",
            link="https://example.org/a",
            case=case if n == 0 else None,
            activity="" if n == 0 else "走访",
        )
    cases.add_publicity(
        city_leader,
        org=tree.b,
        media="日报",
        published_on=datetime.date(2014, 6, 1),
        title="南岗",
        activity="走访",
    )
    client = login_as(city_leader)
    client.get("/")
    with django_assert_max_num_queries(25):
        page = client.get("/oversight/publicity/?year=2014").content.decode()
    assert "道里区妇联 <strong>3</strong>" in page and "南岗区妇联 <strong>1</strong>" in page
    assert (
        "南岗"
        not in login_as(daoli).get("/oversight/publicity/?year=2014").content.decode().split("data-counts")[1]
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"media": ""}, "media", "媒体：请填写"),
        ({"link": "javascript:alert(1)"}, "link", "链接：须是以 http:// 或 https:// 开头的网址"),
        ({"activity": ""}, "activity", "宣传的活动"),
        ({"published_on": "2014-13-01"}, "published_on", "刊发日期"),
    ],
)
def test_sup2_bad_publicity_is_refused(tree, daoli, data, field, message):
    values = {
        "org": tree.a,
        "media": "日报",
        "published_on": datetime.date(2014, 5, 1),
        "title": "t",
        "activity": "走访",
    } | data
    with pytest.raises(ValidationError) as exc:
        cases.add_publicity(daoli, **values)
    assert message in exc.value.message_dict[field][0]
    assert not PublicityItem.objects.exists()


def test_sup4_a_practice_is_recorded_with_its_document(tree, daoli, login_as):
    client = login_as(daoli)
    response = client.post(
        "/oversight/practices/add/",
        {
            "org": tree.a.pk,
            "title": "联系点蹲点制度",
            "issued_on": "2014-08-30",
            "document_number": "道妇发〔2014〕3号",
            "document": SimpleUploadedFile("制度.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    practice = Practice.objects.get()
    assert practice.file_name == "制度.pdf" and practice.year == 2014
    download = client.get(f"/oversight/practices/{practice.pk}/document/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert (
        login_as(make_user(tree.b, "leader")).get(f"/oversight/practices/{practice.pk}/document/").status_code
        == 404
    )


def test_sup4_a_practice_without_a_document_is_refused(tree, daoli, login_as):
    page = login_as(daoli).post(
        "/oversight/practices/add/", {"org": tree.a.pk, "title": "制度", "issued_on": "2014-08-30"}
    )
    assert "制度文件" in page.content.decode() and not Practice.objects.exists()
