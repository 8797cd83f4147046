"""PRJ-4: beneficiaries linked to the registry — who got which help, when, how much; masked; one woman
may benefit from several projects; the same help is counted once."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fuqing.core.models import AuditEvent
from fuqing.projects import services
from fuqing.projects.models import Beneficiary
from fuqing.registry.models import WomanStatus
from tests.projects.conftest import make_woman

DAY = datetime.date(2014, 5, 12)


def _record(user, relief, woman, org, **fields):
    return services.record_beneficiary(
        user,
        project=relief["project"],
        woman=woman,
        org=org,
        received_on=fields.pop("received_on", DAY),
        help_kind=fields.pop("help_kind", "泥草房改建"),
        **fields,
    )


def test_prj4_a_beneficiary_records_who_got_which_help_when_and_how_much(tree, relief, women, daoli):
    record = _record(daoli, relief, women[0], tree.a1, amount_yuan="20000", notes="泥草房改砖瓦房")
    assert (record.woman, record.help_kind, record.received_on, record.amount) == (
        women[0],
        "泥草房改建",
        DAY,
        Decimal(20000),
    )
    event = AuditEvent.objects.get(object_type="projects.beneficiary", object_id=str(record.pk))
    assert women[0].name not in str(event.details) and women[0].name not in event.object_repr


def test_prj4_the_same_help_is_not_counted_twice(tree, relief, women, daoli, colleague):
    _record(daoli, relief, women[0], tree.a1)
    with pytest.raises(ValidationError) as exc:
        _record(colleague, relief, women[0], tree.a, amount_yuan=5)
    assert (
        "张*英在2014-05-12已记录过“泥草房改建”，同一帮扶不重复计数"
        in exc.value.message_dict["received_on"][0]
    )
    assert Beneficiary.objects.count() == 1


def test_prj4_another_help_or_another_day_is_another_benefit(tree, relief, women, daoli):
    _record(daoli, relief, women[0], tree.a1)
    _record(daoli, relief, women[0], tree.a1, help_kind="生活救助")
    _record(daoli, relief, women[0], tree.a1, received_on=datetime.date(2014, 6, 12))
    assert Beneficiary.objects.filter(woman=women[0]).count() == 3


def test_prj4_one_woman_benefits_from_several_projects(tree, relief, sunset, women, daoli, campaign):
    health = services.create_project(
        None, org=tree.city, campaign=campaign, name="妇女健康援助", help_kinds=["两癌筛查"]
    )
    _record(daoli, relief, women[0], tree.a1)
    services.record_beneficiary(
        daoli, project=health, woman=women[0], org=tree.a1, received_on=DAY, help_kind="两癌筛查"
    )
    assert set(Beneficiary.objects.filter(woman=women[0]).values_list("project__name", flat=True)) == {
        "贫困母亲救助",
        "妇女健康援助",
    }


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"help_kind": "助学"}, "help_kind", "帮扶类别应为：泥草房改建、生活救助"),
        ({"received_on": datetime.date(2013, 12, 30)}, "received_on", "受助日期应在项目年度（2014年）内"),
        ({"amount_yuan": "-1"}, "amount", "金额不能小于 0"),
    ],
)
def test_prj4_bad_records_name_the_field_and_the_rule(tree, relief, women, daoli, fields, field, message):
    with pytest.raises(ValidationError) as exc:
        _record(daoli, relief, women[0], tree.a1, **fields)
    assert message in exc.value.message_dict[field][0]


def test_prj4_a_merged_record_cannot_receive_help(tree, relief, women, daoli):
    women[0].status = WomanStatus.MERGED
    women[0].save()
    with pytest.raises(ValidationError) as exc:
        _record(daoli, relief, women[0], tree.a1)
    assert "已合并或删除" in exc.value.message_dict["woman"][0]


def test_prj4_help_is_recorded_only_by_units_in_scope(tree, relief, women, nangang):
    with pytest.raises(PermissionDenied):
        _record(nangang, relief, women[0], tree.a1)


def test_prj4_the_list_shows_women_masked_and_totals(tree, relief, women, daoli, login_as):
    _record(daoli, relief, women[0], tree.a1, amount_yuan=20000, notes="砖瓦房")
    _record(daoli, relief, women[0], tree.a1, help_kind="生活救助", amount_yuan=800)
    page = login_as(daoli).get("/projects/beneficiaries/").content.decode()
    assert "张*英" in page and "张秀英" not in page
    assert "共 2 人次、1 名妇女（不重复），金额合计 20,800 元" in page


def test_prj4_the_picker_finds_women_in_scope_masked_and_never_others(tree, women, daoli, nangang, login_as):
    make_woman(tree.b1, "张秀芳")
    page = login_as(daoli).post("/projects/women/", {"q": "张秀"}).content.decode()
    assert "张*英" in page and "张秀英" not in page and "张*芳" not in page
    assert str(women[0].pk) in page
    assert "张*英" not in login_as(nangang).post("/projects/women/", {"q": "张秀"}).content.decode()


def test_sec8_the_beneficiary_picker_posts_the_name_never_in_the_url(tree, women, daoli, login_as):
    """Issue 10 point 7: the letters typed are posted (htmx POST), a name in the URL finds nobody."""
    client = login_as(daoli)
    form = client.get(reverse("projects:beneficiary-add")).content.decode()
    assert (
        f'hx-post="{reverse("projects:woman-search")}"' in form
        and "hx-get" not in form.split("woman-search")[0][-300:]
    )
    assert str(women[0].pk) not in client.get("/projects/women/", {"q": "张秀"}).content.decode()


def test_prj4_the_form_records_a_beneficiary_picked_from_the_registry(tree, relief, women, daoli, login_as):
    client = login_as(daoli)
    data = {
        "project": relief["project"].pk,
        "help_kind": "生活救助",
        "woman": str(women[1].pk),
        "org": tree.a1.pk,
        "received_on": "2014-06-01",
        "amount": "1000",
    }
    response = client.post("/projects/beneficiaries/add/", data, follow=True)
    assert "已记录受益人" in response.content.decode()
    response = client.post("/projects/beneficiaries/add/", data)
    assert "同一帮扶不重复计数" in response.content.decode()
    assert Beneficiary.objects.count() == 1


def test_prj4_a_woman_outside_the_scope_cannot_be_submitted(tree, relief, daoli, login_as):
    outsider = make_woman(tree.b1, "刘春华")
    data = {
        "project": relief["project"].pk,
        "help_kind": "生活救助",
        "woman": str(outsider.pk),
        "org": tree.a1.pk,
        "received_on": "2014-06-01",
    }
    response = login_as(daoli).post("/projects/beneficiaries/add/", data)
    assert "请选择受益妇女" in response.content.decode()
    assert not Beneficiary.objects.exists()


def test_prj4_a_record_shows_her_other_benefits_and_is_removed_with_a_reason(
    tree, relief, women, daoli, login_as
):
    first = _record(daoli, relief, women[0], tree.a1)
    _record(daoli, relief, women[0], tree.a1, help_kind="生活救助")
    client = login_as(daoli)
    page = client.get(f"/projects/beneficiaries/{first.pk}/").content.decode()
    assert "生活救助" in page and "张*英" in page
    client.post(f"/projects/beneficiaries/{first.pk}/delete/", {"reason": ""})
    assert Beneficiary.objects.filter(pk=first.pk).exists()
    client.post(f"/projects/beneficiaries/{first.pk}/delete/", {"reason": "重复录入"})
    assert not Beneficiary.objects.filter(pk=first.pk).exists()
    assert AuditEvent.objects.filter(
        object_id=str(first.pk), action="delete", details__reason="重复录入"
    ).exists()


def test_prj4_merging_women_moves_benefits_without_counting_the_same_help_twice(tree, relief, women, daoli):
    duplicate, kept = women[0], women[1]
    _record(daoli, relief, duplicate, tree.a1)
    _record(daoli, relief, kept, tree.a1)
    _record(daoli, relief, duplicate, tree.a1, help_kind="生活救助")
    services.repoint_woman(duplicate, kept)
    assert not Beneficiary.objects.filter(woman=duplicate).exists()
    assert sorted(Beneficiary.objects.filter(woman=kept).values_list("help_kind", flat=True)) == [
        "泥草房改建",
        "生活救助",
    ]


def test_reg4_prj4_the_registrys_merge_moves_benefits_through_its_hook(tree, relief, women, daoli):
    hooks = pytest.importorskip("fuqing.registry.hooks")
    duplicate, kept = women[0], women[1]
    _record(daoli, relief, duplicate, tree.a1)
    _record(daoli, relief, kept, tree.a1)
    _record(daoli, relief, duplicate, tree.a1, help_kind="生活救助")
    moved = hooks.repoint_related(kept, duplicate, daoli)
    assert moved == {"projects.Beneficiary": 1}
    assert Beneficiary.objects.filter(woman=kept).count() == 2
