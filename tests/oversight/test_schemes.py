"""Assessment schemes (issue 13 point 1, SUP-1): the city sets them per year, items with weights and
rules, computed ones reading registered figures; bad input is refused in Chinese, naming the field;
copied to next year in one step."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fuqing.core.models import AuditEvent
from fuqing.oversight.models import Item, ItemKind, Scheme
from fuqing.oversight.services import schemes, scoring


def test_sup1_the_city_sets_a_scheme_and_its_items_audited(scheme):
    assert [i.name for i in scheme.items.all()] == ["诉求解决", "重点调研课题", "妇女之家覆盖", "宣传推广"]
    assert sum(i.weight for i in scheme.items.all()) == 100
    assert AuditEvent.objects.filter(object_type="oversight.scheme", object_id=str(scheme.pk)).exists()


def test_sup1_only_a_city_sets_a_scheme(tree, daoli):
    with pytest.raises((ValidationError, PermissionDenied)):
        schemes.create_scheme(daoli, org=tree.a, year=2014, name="区方案")


def test_sup1_one_scheme_per_year(scheme, city_leader, tree):
    with pytest.raises(ValidationError) as exc:
        schemes.create_scheme(city_leader, org=tree.city, year=2014, name="又一个")
    assert "2014年已有考核方案" in exc.value.message_dict["year"][0]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"name": "", "kind": "computed", "weight": 1, "figure_key": "oversight.topics_set", "target": 1},
            "name",
            "指标名称：请填写",
        ),
        ({"name": "x", "kind": "other", "weight": 1}, "kind", "评分方式"),
        ({"name": "x", "kind": "inspected", "weight": 0}, "weight", "分值：须是0.1到100之间的数"),
        ({"name": "x", "kind": "inspected", "weight": "abc"}, "weight", "分值"),
        (
            {"name": "x", "kind": "computed", "weight": 1, "figure_key": "nope", "target": 1},
            "figure_key",
            "数据来源",
        ),
        (
            {"name": "x", "kind": "computed", "weight": 1, "figure_key": "oversight.topics_set", "target": 0},
            "target",
            "目标值",
        ),
        (
            {
                "name": "x",
                "kind": "computed",
                "weight": 1,
                "figure_key": "oversight.topics_set",
                "target": "NaN",
            },
            "target",
            "目标值",
        ),
    ],
)
def test_sup1_a_bad_item_is_refused_naming_its_field(tree, city_leader, data, field, message):
    scheme = schemes.create_scheme(city_leader, org=tree.city, year=2015, name="方案")
    with pytest.raises(ValidationError) as exc:
        schemes.add_item(city_leader, scheme, **data)
    assert message in exc.value.message_dict[field][0]
    assert not Item.objects.filter(scheme=scheme).exists()


def test_sup1_weights_never_exceed_100(scheme, city_leader):
    with pytest.raises(ValidationError) as exc:
        schemes.add_item(city_leader, scheme, name="多余", kind=ItemKind.INSPECTED, weight=Decimal(1))
    assert "不能超过100分" in exc.value.message_dict["weight"][0]


def test_sup1_copy_to_next_year_in_one_step(scheme, city_leader, inspected, assigned, tree):
    from fuqing.oversight.services import inspectors

    inspectors.score(assigned, inspected, tree.a, points=15, comment="好")
    new = schemes.copy_scheme(city_leader, scheme, 2015)
    assert new.year == 2015 and not new.is_published
    assert [(i.name, i.weight, i.figure_key, i.rule, i.target) for i in new.items.all()] == [
        (i.name, i.weight, i.figure_key, i.rule, i.target) for i in scheme.items.all()
    ]
    assert not new.assignments.exists() and not Item.objects.filter(scheme=new, scores__isnull=False).exists()
    with pytest.raises(ValidationError):
        schemes.copy_scheme(city_leader, scheme, 2015)


def test_sup1_copy_on_the_page(scheme, city_leader, login_as):
    client = login_as(city_leader)
    response = client.post(f"/oversight/schemes/{scheme.pk}/copy/", {"year": "2016"})
    new = Scheme.objects.get(year=2016)
    assert response.status_code == 302 and response["Location"].endswith(f"/oversight/schemes/{new.pk}/")
    assert new.items.count() == 4


def test_sup1_the_item_form_shows_chinese_messages_and_writes_nothing(scheme, city_leader, login_as):
    client = login_as(city_leader)
    page = client.post(
        f"/oversight/schemes/{scheme.pk}/items/add/", {"name": "额外", "kind": "inspected", "weight": "5"}
    ).content.decode()
    assert "各指标分值合计不能超过100分" in page
    assert scheme.items.count() == 4


def test_sup1_a_district_reads_the_citys_scheme_but_cannot_change_it(scheme, daoli, login_as):
    client = login_as(daoli)
    assert client.get(f"/oversight/schemes/{scheme.pk}/").status_code == 200
    assert client.get(f"/oversight/schemes/{scheme.pk}/items/add/").status_code == 403
    response = client.post(
        f"/oversight/schemes/{scheme.pk}/items/add/", {"name": "x", "kind": "inspected", "weight": "1"}
    )
    assert response.status_code == 403 and scheme.items.count() == 4


def test_sup1_another_citys_scheme_is_not_found(scheme, tree, login_as):
    from tests.conftest import make_user

    other = make_user(tree.other, "leader")
    assert login_as(other).get(f"/oversight/schemes/{scheme.pk}/").status_code == 404


def test_sup1_a_published_scheme_is_frozen(scheme, city_leader):
    scoring.publish(city_leader, scheme)
    item = scheme.items.first()
    with pytest.raises(ValidationError) as exc:
        schemes.change_item(
            city_leader,
            item,
            name="改",
            kind=item.kind,
            weight=item.weight,
            figure_key=item.figure_key,
            target=item.target,
        )
    assert "已公布" in exc.value.messages[0]
