"""NEED-2: a woman's pairs, helpers, every need and every action on one timeline, in bounded queries."""

import datetime
from decimal import Decimal

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from fuqing.assistance import pairings, services
from fuqing.assistance.models import Action, Need, NeedEvent
from tests.assistance.conftest import DAY


def _fill(daoli, colleague, woman, categories, needs: int, actions: int):
    pairings.create_pairing(
        daoli, org=woman.org, kind="one_to_one", woman=woman, starts_on=DAY, helper_users=[colleague]
    )
    made = [
        Need(
            org=woman.org,
            woman=woman,
            description=f"诉求{i}",
            reported_on=DAY + datetime.timedelta(days=i % 100),
            year=2014,
            month=4,
            category=categories["employment"],
        )
        for i in range(needs)
    ]
    Need.objects.bulk_create(made)
    NeedEvent.objects.bulk_create(
        [NeedEvent(need=n, type="resolved", actor=daoli, note="已解决") for n in made[: needs // 2]]
    )
    Action.objects.bulk_create(
        [
            Action(
                org=woman.org,
                woman=woman,
                need=made[i % needs],
                service="funds",
                given_on=DAY,
                year=2014,
                given_by=colleague,
                amount=Decimal("100"),
            )
            for i in range(actions)
        ]
    )


def test_need2_timeline_with_200_entries_in_bounded_queries(
    login_as, daoli, colleague, woman, categories, django_assert_max_num_queries
):
    _fill(
        daoli, colleague, woman, categories, needs=80, actions=80
    )  # 1 pair + 80 needs + 40 events + 80 actions
    client = login_as(daoli)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("assistance:woman-timeline", args=[woman.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-kind="need"') == 80 and body.count('data-kind="action"') == 80
    assert body.count('data-kind="event"') == 40 and body.count('data-kind="pairing"') == 1
    assert "8000" in body  # funds add up per woman: 80 × 100 yuan
    assert "张*英" in body and "张秀英" not in body


def test_need2_timeline_queries_do_not_grow_with_entries(
    login_as, daoli, colleague, woman, categories, django_assert_max_num_queries
):
    _fill(daoli, colleague, woman, categories, needs=10, actions=5)
    client = login_as(daoli)
    with django_assert_max_num_queries(18):
        client.get(reverse("assistance:woman-timeline", args=[woman.pk]))
    _fill(daoli, colleague, woman, categories, needs=150, actions=50)
    with django_assert_max_num_queries(18):
        client.get(reverse("assistance:woman-timeline", args=[woman.pk]))


def test_need2_timeline_shows_pairs_needs_steps_and_actions_in_order(daoli, colleague, woman, make_need):
    from fuqing.assistance.timeline import woman_timeline

    pairings.create_pairing(
        daoli, org=woman.org, kind="one_to_one", woman=woman, starts_on=DAY, helper_users=[colleague]
    )
    need = make_need(daoli, woman.org, woman=woman, reported_on=DAY + datetime.timedelta(days=1))
    pairings.record_action(
        daoli,
        need=need,
        service="job_referral",
        given_on=DAY + datetime.timedelta(days=2),
        given_by=colleague,
    )
    services.resolve_need(daoli, need, note="已就业")
    kinds = [e.kind for e in woman_timeline(daoli, woman)["entries"]]
    assert kinds == ["event", "action", "need", "pairing"]


def test_need2_the_include_renders_on_another_page(daoli, colleague, woman, make_need):
    make_need(daoli, woman.org, woman=woman, description="希望提供灵活就业岗位")
    request = RequestFactory().get("/")
    request.user = daoli
    html = Template("{% load assistance %}{% woman_assistance woman %}").render(
        Context({"request": request, "woman": woman})
    )
    assert "诉求与帮扶" in html and "希望提供灵活就业岗位" in html


def test_need2_timeline_of_another_district_is_404(login_as, nangang, woman):
    assert login_as(nangang).get(reverse("assistance:woman-timeline", args=[woman.pk])).status_code == 404
