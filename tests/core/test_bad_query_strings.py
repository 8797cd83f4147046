"""Issue 10 point 9 for pages: query strings with values past what the database holds never give a
500 — ?page=, ?offset=, ?year=, ?org= and the other ids a page reads from its URL, on every page."""

from __future__ import annotations

import pytest

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
