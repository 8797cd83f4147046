"""FLD-2 / NEED-1: one flow for a visit with women and needs — the visit form picks women met from the
registry (searched by name within the place, masked, through the scope door) or registers a new one, and
each need is written under its woman; all in the visit's one transaction, never duplicated by a replay."""

from __future__ import annotations

import datetime
import json
import uuid

from django.urls import reverse

from fuqing.assistance.models import Need
from fuqing.fieldwork.models import Visit
from fuqing.registry.models import Woman
from tests.registry.conftest import add_woman, new_id

DAY = datetime.date(2014, 4, 15)


def _form(tree, user, women, **extra):
    return {
        "id": str(uuid.uuid4()),
        "started_on": DAY.isoformat(),
        "method": "home_visit",
        "place": tree.a1a.pk,
        "org": tree.a.pk,
        "lead": user.pk,
        "members": [user.pk],
        "women_met": "0",
        "needs_text": "",
        "women": json.dumps(women, ensure_ascii=False),
        **extra,
    }


def test_fld2_need1_a_visit_records_a_picked_woman_a_new_woman_and_their_needs(tree, daoli, login_as):
    known = add_woman(daoli, tree.a1a, name="李秀英")
    client = login_as(daoli)
    women = [
        {"id": str(known.pk), "needs": ["就业：想学家政技能", "住房：危房待修"]},
        {"name": "王桂兰", "id_number": new_id(), "phone": "13912345678", "needs": ["健康：腿脚不便"]},
    ]
    response = client.post(
        reverse("fieldwork:visit-add"), _form(tree, daoli, women, needs_text="就业：村里缺少托管班")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    visit = Visit.objects.get()
    new = Woman.objects.get(name="王桂兰")
    assert new.org == tree.a1a  # registered where she was met
    assert set(visit.women.all()) == {known, new}
    assert visit.women_met == 2  # the count includes the women picked
    mine = {(n.woman_id, n.category.name, n.description) for n in Need.objects.filter(visit=visit)}
    assert mine == {
        (known.pk, "就业", "想学家政技能"),
        (known.pk, "住房", "危房待修"),
        (new.pk, "健康", "腿脚不便"),
        (None, "就业", "村里缺少托管班"),  # a group need stays possible
    }
    # saving the visit again (same lines) neither duplicates nor withdraws her needs
    edit = client.get(reverse("fieldwork:visit-edit", args=[visit.pk]))
    assert "李*英" in edit.content.decode() and "李秀英" not in edit.content.decode()


def test_fld2_plt6_replaying_the_visit_with_women_makes_no_second_record(tree, daoli, login_as):
    known = add_woman(daoli, tree.a1a, name="李秀英")
    client = login_as(daoli)
    women = [
        {"id": str(known.pk), "needs": ["就业：想学家政技能", "住房：危房待修"]},
        {"name": "王桂兰", "id_number": new_id(), "needs": ["健康：腿脚不便"]},
    ]
    body = _form(tree, daoli, women)
    assert client.post(reverse("fieldwork:visit-add"), body).status_code == 302
    again = client.post(reverse("fieldwork:visit-add"), body)  # the outbox sends it once more
    assert again.status_code == 302
    assert Visit.objects.count() == 1
    assert Woman.objects.filter(name="王桂兰").count() == 1
    assert Need.objects.count() == 3


def test_fld2_a_bad_new_woman_leaves_nothing_behind(tree, daoli, login_as):
    """All or nothing: the second woman's ID number is wrong — no visit, no first woman, no need."""
    client = login_as(daoli)
    women = [
        {"name": "王桂兰", "id_number": new_id(), "needs": ["健康：腿脚不便"]},
        {"name": "张玉梅", "id_number": "123", "needs": ["就业：想学手艺"]},
    ]
    response = client.post(reverse("fieldwork:visit-add"), _form(tree, daoli, women))
    assert response.status_code == 200
    text = response.content.decode()
    assert "第 2 位妇女" in text and "身份证" in text
    assert not Visit.objects.exists() and not Woman.objects.exists() and not Need.objects.exists()


def test_fld2_sec2_a_woman_outside_the_scope_is_refused_and_not_named(tree, daoli, nangang, login_as):
    foreign = add_woman(nangang, tree.b1, name="赵丽华")
    client = login_as(daoli)
    response = client.post(
        reverse("fieldwork:visit-add"), _form(tree, daoli, [{"id": str(foreign.pk), "needs": ["就业：x"]}])
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "不在您的范围内" in text and "赵" not in text
    assert not Visit.objects.exists() and not Need.objects.exists()


def test_fld2_women_are_searched_by_name_within_the_place_masked(tree, daoli, nangang, login_as):
    add_woman(daoli, tree.a1a, name="李秀英")
    add_woman(daoli, tree.a, name="李秀梅")  # registered at the district: not in the place visited
    add_woman(nangang, tree.b1, name="李秀兰")  # another district: outside the scope
    client = login_as(daoli)
    url = reverse("fieldwork:woman-search")
    assert client.get(url, {"wq": "李"}).status_code == 405  # a name never goes into a URL
    text = client.post(url, {"wq": "李秀", "place": tree.a1a.pk}).content.decode()
    assert "李*英" in text and "友谊社区" in text
    assert "李秀英" not in text and "李*梅" not in text and "李*兰" not in text
    # a place outside the scope finds nothing
    text = client.post(url, {"wq": "李秀", "place": tree.b1.pk}).content.decode()
    assert "李*兰" not in text and "fq-pick-woman" not in text
