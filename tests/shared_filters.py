"""Checks for issue 11 point 1 — one filter per register: its page, its ledger export and its API list
take the same filters and give the same rows; an id outside the caller's scope is refused everywhere
(never a wider list, never a foreign name); a bad value is refused with a Chinese message naming the
field."""

from __future__ import annotations

from django.urls import reverse

from fuqing.core.ledger import get_ledger
from tests.api.conftest import token_for
from tests.conftest import login
from tests.ledger_sheets import table


def page_rows(client, user, url: str, params: dict, key) -> set:
    login(client, user)
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return {key(o) for o in response.context["page"].object_list}


def api_rows(client, user, path: str, params: dict, key: str = "id") -> set:
    response = client.get(f"/api/v1{path}", params, HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    assert response.status_code == 200, response.content
    return {str(item[key]) for item in response.json()["items"]}


def api_refusal(client, user, path: str, params: dict):
    return client.get(f"/api/v1{path}", params, HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")


def export_column(client, user, ledger: str, params: dict, header: str) -> list:
    """One column of the 台账 the export view writes for ``params`` (the page's export link)."""
    login(client, user)
    response = client.get(reverse(f"ledger-export-{ledger}"), params)
    assert response.status_code == 200, response.status_code
    rows = table(response)
    at = rows[0].index(header)
    return [row[at] for row in rows[1:]]


def ledger_rows(ledger: str, user, params: dict, key) -> set:
    """The rows the ledger's own filter keeps, for the user exporting (what the export view writes)."""
    made = get_ledger(ledger)
    return {key(o) for o in made.filter_for(user, made.queryset(user), params)}


def page_problems(client, user, url: str, params: dict) -> tuple[list[str], str]:
    login(client, user)
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.context["problems"], response.content.decode()
