"""Issue 10 point 9 for pages: bad input never gives a 500. Query strings with values past what the
database holds (?page=, ?offset=, ?year=, ?org= and the other ids a page reads from its URL) on every
page; ids past 64 bits in page URLs; forms fed counts like 10^20, amounts like 1e40 and dates like
0001-01-01 — the visit form refuses the date naming the field."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from fuqing.fieldwork.models import Visit
from tests.routes import all_routes

pytestmark = pytest.mark.filterwarnings("ignore")

HUGE = str(2**64)
NAMES = (
    "page offset limit year month org area parent visit need pairing woman project indicator topic "
    "competition campaign deadline plan questionnaire place keeper days stage under since_year"
).split()
QUERY = {**dict.fromkeys(NAMES, HUGE), "as_of": "0001-01-01", "start": "0001-01-01", "end": "0001-01-01"}
QUERY_NUL = {"q": "a\x00b", "keyword": "a\x00b", "status": "a\x00b"}


def page_routes():
    return [r for r in all_routes() if not r.is_api and "<" not in r.pattern and "(?P" not in r.pattern]


def test_plt3_huge_numbers_in_query_strings_never_give_a_500(client, tree, city_leader, login_as):
    login_as(city_leader)
    routes = page_routes()
    problems = []
    for route in routes:
        for query in (QUERY, QUERY_NUL):
            try:
                response = client.get(route.url(), query)
            except Exception as exc:  # a test client re-raises what a view raised
                problems.append((route.name, type(exc).__name__, str(exc)[:80]))
                continue
            if response.status_code >= 500:
                problems.append((route.name, response.status_code))
    assert len(routes) > 30 and problems == []


def test_plt3_ids_past_64_bits_in_page_urls_never_give_a_500(client, tree, city_leader, login_as):
    login_as(city_leader)
    routes = [r for r in all_routes() if not r.is_api and "int" in r.converters.values()]
    problems = []
    for route in routes:
        kwargs = {k: (2**64 if c == "int" else "x") for k, c in route.converters.items()}
        if any(c not in ("int", "str", "slug") for c in route.converters.values()):
            continue
        try:
            response = client.get(route.url(**kwargs))
        except Exception as exc:  # a test client re-raises what a view raised
            problems.append((route.name, type(exc).__name__, str(exc)[:80]))
            continue
        if response.status_code >= 500:
            problems.append((route.name, response.status_code))
    assert len(routes) > 10 and problems == []


def _bad_post(form) -> dict:
    from django import forms

    data = {}
    for name, field in form.fields.items():
        initial = form.initial.get(name, field.initial)
        if isinstance(field, forms.DecimalField):
            data[name] = "1e40"
        elif isinstance(field, forms.IntegerField):
            data[name] = str(10**20)
        elif isinstance(field, forms.DateField):
            data[name] = "0001-01-01"
        elif isinstance(field, forms.ModelMultipleChoiceField):
            data[name] = [getattr(v, "pk", v) for v in (initial or [])]
        elif isinstance(field, forms.ModelChoiceField):
            data[name] = getattr(initial, "pk", initial) or str(2**64)
        elif initial is not None and not callable(initial):
            data[name] = getattr(initial, "pk", initial)
    return data


def test_plt3_forms_fed_huge_counts_amounts_and_year_one_dates_never_give_a_500(
    client, tree, city_leader, login_as
):
    login_as(city_leader)
    problems, tried = [], 0
    for route in page_routes():
        try:
            page = client.get(route.url())
        except Exception:  # noqa: S112 - a page that cannot even be shown is another test's business
            continue
        form = page.context.get("form") if page.status_code == 200 and page.context else None
        if form is None or not hasattr(form, "fields"):
            continue
        tried += 1
        try:
            response = client.post(route.url(), _bad_post(form))
        except Exception as exc:  # a test client re-raises what a view raised
            problems.append((route.name, type(exc).__name__, str(exc)[:80]))
            continue
        if response.status_code >= 500:
            problems.append((route.name, response.status_code))
    assert tried > 5 and problems == []


def _visit(tree, user, **fields):
    return {
        "id": uuid.uuid4(),
        "started_on": "2014-04-15",
        "method": "home_visit",
        "place": tree.a1a.pk,
        "org": tree.a.pk,
        "lead": user.pk,
        "members": [user.pk],
        **fields,
    }


def test_plt3_a_visit_form_dated_0001_01_01_is_refused_naming_the_field(tree, colleague, login_as):
    client = login_as(colleague)
    for fields, name in (
        ({"started_on": "0001-01-01"}, "started_on"),
        ({"ended_on": "9999-12-31"}, "ended_on"),
    ):
        response = client.post(reverse("fieldwork:visit-add"), _visit(tree, colleague, **fields))
        assert response.status_code == 200
        errors = response.context["form"].errors[name]
        assert any("2000 年至 2100 年" in e and ("开始日期" in e or "结束日期" in e) for e in errors), errors
    assert not Visit.objects.exists()


def test_plt3_a_visit_form_with_a_count_past_32_bits_is_refused(tree, colleague, login_as):
    client = login_as(colleague)
    response = client.post(reverse("fieldwork:visit-add"), _visit(tree, colleague, women_met=str(10**20)))
    assert response.status_code == 200 and "women_met" in response.context["form"].errors
    assert not Visit.objects.exists()
