"""NEED-3 (with PRJ-1): an action names its livelihood project through a link to ``projects.Project``;
funds add up per project through it; the form offers the projects of the need's year that cover the
unit; text written before the link existed is migrated to it where a project of that name and year
exists (a data migration of its own, reversible)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from fuqing.assistance import pairings
from fuqing.assistance.models import Action
from fuqing.campaigns.models import Campaign
from fuqing.projects import services as project_services
from tests.assistance.conftest import DAY
from tests.fieldwork.test_api import token_for


def _campaign(org, year):
    return Campaign.objects.create(
        org=org,
        year=year,
        name="下基层、访妇情、办实事",
        theme="下基层 访妇情 办实事",
        starts_on=datetime.date(year, 4, 1),
        ends_on=datetime.date(year, 8, 31),
    )


@pytest.fixture
def projects(tree):
    """The city's 2014 and 2013 贫困母亲救助, 南岗's own 2014 project, 道里's own 2014 贫困母亲救助."""
    c2014, c2013 = _campaign(tree.city, 2014), _campaign(tree.city, 2013)
    make = project_services.create_project
    return {
        "city": make(None, org=tree.city, campaign=c2014, name="贫困母亲救助"),
        "city_loans": make(None, org=tree.city, campaign=c2014, name="妇女小额贷款兴业"),
        "city_2013": make(None, org=tree.city, campaign=c2013, name="贫困母亲救助"),
        "nangang": make(None, org=tree.b, campaign=c2014, name="南岗巾帼创业"),
        "daoli": make(None, org=tree.a, campaign=c2014, name="道里暖心行动"),
    }


def _funds(actor, need, amount, **extra):
    return pairings.record_action(
        actor, need=need, service="funds", given_on=DAY, given_by=actor, amount=Decimal(amount), **extra
    )


def test_need3_a_project_named_in_text_is_linked_to_the_nearest_project_of_its_year(
    daoli, nangang, tree, woman, make_need, projects
):
    from fuqing.projects.models import Project

    own = project_services.create_project(
        None, org=tree.a, campaign=projects["daoli"].campaign, name="妇女小额贷款兴业"
    )
    need = make_need(daoli, woman.org, woman=woman)
    relief = _funds(daoli, need, "2000", project_name=" 贫困母亲救助 ")
    loans = _funds(daoli, need, "50000", project_name="妇女小额贷款兴业")
    other = _funds(daoli, need, "300", project_name="春蕾助学")  # not a project of the register
    assert relief.project == projects["city"] and relief.project_name == "贫困母亲救助"
    assert loans.project == own  # 道里's own project of that name is nearer than the city's
    assert other.project is None and other.project_name == "春蕾助学"
    b_need = make_need(nangang, tree.b1, description="创业缺资金")
    assert _funds(nangang, b_need, "800", project_name="妇女小额贷款兴业").project == projects["city_loans"]
    assert Project.objects.filter(name="妇女小额贷款兴业").count() == 2


def test_need3_a_chosen_project_must_cover_the_unit_and_belong_to_the_year(daoli, woman, make_need, projects):
    need = make_need(daoli, woman.org, woman=woman)
    with pytest.raises(ValidationError) as caught:
        _funds(daoli, need, "100", project=projects["nangang"])  # the sibling district's project
    assert "不适用于" in caught.value.message_dict["project"][0]
    with pytest.raises(ValidationError) as caught:
        _funds(daoli, need, "100", project=projects["city_2013"])
    assert "年度" in caught.value.message_dict["project"][0]
    action = _funds(daoli, need, "100", project=projects["daoli"], project_name="随手写的名字")
    assert action.project_name == "道里暖心行动"  # the text carries the project's name


def test_need3_funds_add_up_per_project_through_the_link(daoli, woman, make_need, projects):
    need = make_need(daoli, woman.org, woman=woman)
    _funds(daoli, need, "2000", project_name="贫困母亲救助")
    _funds(daoli, need, "500", project=projects["city"])
    _funds(daoli, need, "300", project_name="春蕾助学")
    projects["city"].name = "贫困母亲“两癌”救助"  # renamed later: still one project
    projects["city"].save()
    rows = pairings.funds_by_project(Action.objects.visible_to(daoli))
    assert [(r["project_name"], r["linked"], r["total"], r["count"]) for r in rows] == [
        ("贫困母亲“两癌”救助", True, Decimal("2500"), 2),
        ("春蕾助学", False, Decimal("300"), 1),
    ]
    assert rows[0]["project"] == projects["city"].pk and rows[0]["year"] == 2014


def test_need3_the_form_offers_the_projects_of_the_needs_year_covering_its_unit(
    login_as, daoli, woman, make_need, projects
):
    need = make_need(daoli, woman.org, woman=woman)
    client = login_as(daoli)
    url = f"{reverse('assistance:action-add')}?need={need.pk}"
    response = client.get(url)
    assert "贫困母亲救助（哈尔滨市妇联）" in response.content.decode()
    offered = set(response.context["form"].fields["project"].queryset)
    # not the 2013 project (another year), nor 南岗's (it does not cover 道里)
    assert offered == {projects["city"], projects["city_loans"], projects["daoli"]}
    response = client.post(
        url,
        {"service": "funds", "given_on": "2014-05-01", "given_by": daoli.pk, "amount": "800",
         "project": projects["city"].pk},
    )  # fmt: skip
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.project == projects["city"] and action.project_name == "贫困母亲救助"
    listing = client.get(reverse("assistance:action-list")).content.decode()
    assert f"?project_id={projects['city'].pk}" in listing
    assert client.get(reverse("assistance:action-list"), {"project_id": projects["city"].pk}).context[
        "total"
    ] == Decimal("800")
    edit = client.post(
        reverse("assistance:action-edit", args=[action.pk]),
        {"service": "funds", "given_on": "2014-05-01", "given_by": daoli.pk, "amount": "800",
         "project": "", "project_name": "春蕾助学"},
    )  # fmt: skip
    assert edit.status_code == 302
    action.refresh_from_db()
    assert action.project is None and action.project_name == "春蕾助学"


def test_need3_plt3_the_api_names_projects_by_id(client, daoli, woman, make_need, projects):
    need = make_need(daoli, woman.org, woman=woman)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(daoli)}"}
    body = {"need": str(need.pk), "service": "funds", "given_on": "2014-05-02", "given_by": "daoli",
            "amount": "600", "project": projects["city"].pk}  # fmt: skip
    created = client.post("/api/v1/actions/", body, content_type="application/json", **headers)
    assert created.status_code == 201
    assert created.json()["project"] == projects["city"].pk
    assert created.json()["project_name"] == "贫困母亲救助"
    bad = client.post(
        "/api/v1/actions/",
        {**body, "project": projects["nangang"].pk},
        content_type="application/json",
        **headers,
    )
    # another district's project is out of scope: 404 like every foreign id, the field named (API kit)
    assert bad.status_code == 404 and "project" in bad.json()["errors"]
    listed = client.get("/api/v1/actions/", {"project_id": projects["city"].pk}, **headers).json()
    assert listed["count"] == 1 and Decimal(listed["total_funds"]) == 600


def test_need3_the_data_migration_links_text_to_projects_and_is_reversible(
    daoli, tree, woman, make_need, projects
):
    need = make_need(daoli, woman.org, woman=woman)
    b_need = make_need(None, tree.b1, description="创业缺资金")
    rows = {
        "city": (need, "贫困母亲救助", 2014),
        "old": (need, "贫困母亲救助", 2013),  # the 2013 project
        "none": (need, "春蕾助学", 2014),  # no such project
        "sibling": (b_need, "道里暖心行动", 2014),  # 道里's project does not cover 南岗
        "own": (need, "道里暖心行动", 2014),
    }
    ids = {}
    for key, (target, name, year) in rows.items():
        ids[key] = uuid.uuid4()
        Action.objects.create(
            id=ids[key], org=target.org, need=target, service="funds", amount=1, project_name=name,
            given_on=datetime.date(year, 5, 1), year=year, given_by=daoli,
        )  # fmt: skip
    migration = import_module("fuqing.assistance.migrations.0007_action_project_from_name")
    operation = migration.Migration.operations[0]
    assert operation.reversible and migration.Migration.dependencies[0] == (
        "assistance",
        "0006_action_project",
    )
    migration.link(django_apps, None)
    linked = dict(Action.objects.values_list("id", "project_id"))
    assert linked == {
        ids["city"]: projects["city"].pk,
        ids["old"]: projects["city_2013"].pk,
        ids["none"]: None,
        ids["sibling"]: None,
        ids["own"]: projects["daoli"].pk,
    }
    migration.unlink(django_apps, None)
    assert set(Action.objects.values_list("project_id", flat=True)) == {None}
    assert Action.objects.filter(project_name="贫困母亲救助").count() == 2  # the text stays
