"""NEED-3: actions record the service, who gave it, when, notes; funds add up per woman, unit, project."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fuqing.assistance import pairings
from fuqing.assistance.models import Action, NeedEvent
from tests.assistance.conftest import DAY


def test_need3_funds_need_an_amount_in_yuan(daoli, woman):
    with pytest.raises(ValidationError) as exc:
        pairings.record_action(
            daoli, woman=woman, org=woman.org, service="funds", given_on=DAY, given_by=daoli
        )
    assert "大于 0 的金额（元）" in exc.value.message_dict["amount"][0]


def test_need3_someone_must_have_given_it(daoli, woman):
    with pytest.raises(ValidationError) as exc:
        pairings.record_action(daoli, woman=woman, org=woman.org, service="policy", given_on=DAY)
    assert "提供服务的干部或单位" in exc.value.message_dict["given_by"][0]


def test_need3_an_action_on_a_need_joins_its_history_and_the_woman(daoli, woman, make_need):
    need = make_need(daoli, woman.org, woman=woman)
    action = pairings.record_action(
        daoli, need=need, service="training", given_on=DAY, given_by=daoli, notes="家政培训"
    )
    assert action.woman == woman and action.org == need.org
    assert NeedEvent.objects.filter(need=need, type="action").exists()


def test_need3_funds_add_up_per_woman_unit_and_project(daoli, tree, woman, make_need):
    need = make_need(daoli, woman.org, woman=woman)
    other = make_need(daoli, tree.a1, description="住房困难")
    pairings.record_action(
        daoli,
        need=need,
        service="funds",
        given_on=DAY,
        given_by=daoli,
        amount=Decimal("2000"),
        project_name="贫困母亲救助",
    )
    pairings.record_action(
        daoli,
        need=need,
        service="funds",
        given_on=DAY,
        given_by=daoli,
        amount=Decimal("500"),
        project_name="贫困母亲救助",
    )
    pairings.record_action(
        daoli,
        need=other,
        service="project",
        given_on=DAY,
        given_by_org=tree.a,
        amount=Decimal("30000"),
        project_name="妇女小额贷款兴业",
    )
    actions = Action.objects.visible_to(daoli)
    assert pairings.funds_total(actions.filter(woman=woman)) == Decimal("2500")
    assert {r["project_name"]: r["total"] for r in pairings.funds_by_project(actions)} == {
        "妇女小额贷款兴业": Decimal("30000"),
        "贫困母亲救助": Decimal("2500"),
    }
    by_unit = pairings.funds_by_unit(actions, tree.a, [tree.a1])
    assert by_unit[0]["org"] == tree.a1 and by_unit[0]["total"] == Decimal("32500")  # A1 and A1a below it
    assert pairings.funds_by_woman(actions)[0]["total"] == Decimal("2500")


def test_need3_action_page_shows_totals_masked(
    login_as, daoli, woman, make_need, django_assert_max_num_queries, campaign_2014
):
    need = make_need(daoli, woman.org, woman=woman)
    for _ in range(20):
        pairings.record_action(
            daoli,
            need=need,
            service="funds",
            given_on=DAY,
            given_by=daoli,
            amount=Decimal("100"),
            project_name="春蕾助学",
        )
    client = login_as(daoli)
    with django_assert_max_num_queries(22):
        body = client.get(reverse("assistance:action-list")).content.decode()
    assert "春蕾助学" in body and "2000" in body and "张*英" in body and "张秀英" not in body


def test_need3_form_records_an_action_for_a_need(login_as, daoli, woman, make_need):
    need = make_need(daoli, woman.org, woman=woman)
    response = login_as(daoli).post(
        f"{reverse('assistance:action-add')}?need={need.pk}",
        {
            "service": "funds",
            "given_on": "2014-05-01",
            "given_by": daoli.pk,
            "amount": "800",
            "project_name": "贫困母亲救助",
        },
    )
    assert response.status_code == 302
    assert Action.objects.get().amount == Decimal("800")


def test_need3_outsider_cannot_add_an_action_to_a_need(login_as, nangang, daoli, woman, make_need):
    need = make_need(daoli, woman.org, woman=woman)
    assert login_as(nangang).get(f"{reverse('assistance:action-add')}?need={need.pk}").status_code == 404
