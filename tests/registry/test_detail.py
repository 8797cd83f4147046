"""Her page: the record masked, her history as a timeline (events and the access log), bounded queries."""

from django.urls import reverse

from fuqing.registry import hooks, privacy, services
from fuqing.registry.hooks import TimelineEntry
from tests.registry.conftest import add_woman


def test_detail_shows_the_record_masked_with_show_controls_for_unmaskers(tree, daoli, colleague, login_as):
    woman = add_woman(daoli, tree.a1a, name="张秀丽", health_notes="高血压", health_consent=True)
    body = login_as(daoli).get(reverse("registry:detail", args=[woman.pk])).content.decode()
    assert "张*丽" in body and woman.masked_id_number in body and "******" in body
    assert "张秀丽" not in body and woman.id_number not in body and "高血压" not in body
    assert reverse("registry:unmask", args=[woman.pk]) + "?field=id_number" in body
    # a cadre may not unmask: no control
    cadre_body = login_as(colleague).get(reverse("registry:detail", args=[woman.pk])).content.decode()
    assert reverse("registry:unmask", args=[woman.pk]) not in cadre_body


def test_detail_timeline_holds_events_and_the_access_log(tree, daoli, login_as):
    woman = add_woman(daoli, tree.a1a)
    services.update_woman(daoli, woman, phone="13900001111", reason="本人换号")
    privacy.unmask(daoli, woman, "phone", "电话回访核实")
    body = login_as(daoli).get(reverse("registry:detail", args=[woman.pk])).content.decode()
    assert "登记" in body and "更正了联系电话（本人换号）" in body
    assert "查看明文：联系电话" in body and "电话回访核实" in body
    assert body.index("查看明文") < body.index("更正了")  # newest first


def test_detail_timeline_takes_entries_from_other_apps(tree, daoli, login_as):
    woman = add_woman(daoli, tree.a1a)

    def source(ids, user):
        return [TimelineEntry(at=woman.created_at, title="结对帮扶开始", actor="测试", kind="pairing")]

    hooks._TIMELINE.append(source)
    try:
        body = login_as(daoli).get(reverse("registry:detail", args=[woman.pk])).content.decode()
    finally:
        hooks._TIMELINE.remove(source)
    assert "结对帮扶开始" in body


def test_detail_issues_a_bounded_number_of_queries(tree, daoli, login_as, django_assert_max_num_queries):
    woman = add_woman(daoli, tree.a1a)
    for n in range(30):
        services.update_woman(daoli, woman, address=f"友谊路 {n} 号")
        privacy.unmask(daoli, woman, "id_number", f"第 {n} 次核实身份")
    client = login_as(daoli)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("registry:detail", args=[woman.pk]))
    assert len(response.context["timeline"]) == 61


def test_org3_a_woman_of_another_district_is_not_found(tree, daoli, nangang, login_as):
    woman = add_woman(nangang, tree.b1)
    assert login_as(daoli).get(reverse("registry:detail", args=[woman.pk])).status_code == 404
