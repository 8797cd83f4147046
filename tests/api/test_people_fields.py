"""Issue 11 point 7 in the API: people are given by their names (``User.display_name``: 刘春梅), never
their login names, with their id beside for a client that names them again; a body names a person by
that id (a login name is still read), and a person outside the caller's scope is not found (404)."""

from __future__ import annotations

import json

import pytest

from fuqing.api.api import api
from tests.api.conftest import token_for
from tests.conftest import make_user

# Accounts are the security and system administrators' subject (the login is what they manage), the
# audit log keeps the name typed at a login that failed, and a new volunteer's account is handed over
# with its login and first password once.
LOGIN_ALLOWED = {"UserOut.username", "AuditOut.actor_username", "AuditOut.actor_name", "AccountOut.username"}


def test_no_response_schema_gives_a_login_name_for_a_person():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    logins = []
    for name, component in schema["components"]["schemas"].items():
        if name.endswith(("In", "Patch", "Query", "Filter")):
            continue
        for prop, spec in component.get("properties", {}).items():
            described = str(spec.get("description", "")) + str(spec.get("title", ""))
            if "username" in prop or "login" in prop or "用户名" in described:
                logins.append(f"{name}.{prop}")
    assert set(logins) <= LOGIN_ALLOWED, sorted(set(logins) - LOGIN_ALLOWED)


@pytest.fixture
def colleague_named(colleague):
    colleague.name = "郑丽萍"
    colleague.save(update_fields=["name"])
    return colleague


def _call(client, user, method, path, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}
    if method == "get":
        return client.get(f"/api/v1{path}", **headers)
    return client.generic(
        method.upper(),
        f"/api/v1{path}",
        json.dumps(body),
        content_type="application/json",
        **headers,
    )


def _need(tree) -> dict:
    return {
        "org": tree.a1a.pk,
        "group_description": "座谈会参会妇女",
        "category": "employment",
        "description": "希望提供灵活就业岗位",
        "reported_on": "2014-04-15",
    }


def test_a_needs_handler_is_given_by_name_and_id(client, tree, daoli, colleague_named, nangang):
    body = {**_need(tree), "handler": colleague_named.pk}
    created = _call(client, daoli, "post", "/needs/", body)
    assert created.status_code == 201, created.content
    need = created.json()
    assert (need["handler"], need["handler_name"]) == (colleague_named.pk, "郑丽萍")
    assert "colleague" not in created.content.decode()  # her login is nowhere in the answer
    # a client written before still names her by login; the answer is the same
    again = _call(client, daoli, "patch", f"/needs/{need['id']}/", {"handler": "colleague"})
    assert again.status_code == 200 and again.json()["handler_name"] == "郑丽萍"
    # another district's cadre, by id or by login: not found, the field named, nothing written
    for foreign in (nangang.pk, "nangang"):
        refused = _call(client, daoli, "patch", f"/needs/{need['id']}/", {"handler": foreign})
        assert refused.status_code == 404 and "handler" in refused.json()["errors"]
    assert _call(client, daoli, "get", f"/needs/{need['id']}/").json()["handler"] == colleague_named.pk


def test_no_handler_is_an_empty_name(client, tree, daoli):
    body = _need(tree)
    need = _call(client, daoli, "post", "/needs/", body).json()
    assert need["handler"] is None and not need["handler_name"]


def test_helpers_and_the_giver_are_given_by_name(client, tree, daoli, colleague_named):
    from fuqing.registry.models import Woman

    woman = Woman.objects.create(org=tree.a1a, name="张秀英", registered_on="2014-04-01")
    pairing = _call(
        client,
        daoli,
        "post",
        "/pairings/",
        {
            "org": tree.a1a.pk,
            "kind": "one_to_one",
            "woman": str(woman.pk),
            "helper_users": [colleague_named.pk],
            "starts_on": "2014-04-20",
        },
    )
    assert pairing.status_code == 201, pairing.content
    assert pairing.json()["helper_users"] == [colleague_named.pk]
    assert pairing.json()["helper_names"] == ["郑丽萍"] and pairing.json()["helpers"] == "郑丽萍"
    other = make_user(tree.b, "cadre", username="nangang_cadre", name="王红")
    refused = _call(
        client,
        daoli,
        "patch",
        f"/pairings/{pairing.json()['id']}/",
        {"helper_users": [colleague_named.pk, other.pk]},
    )
    assert refused.status_code == 404 and "helper_users" in refused.json()["errors"]
    action = _call(
        client,
        daoli,
        "post",
        "/actions/",
        {
            "org": tree.a1a.pk,
            "pairing": pairing.json()["id"],
            "woman": str(woman.pk),
            "service": "policy",
            "given_on": "2014-05-01",
            "given_by": colleague_named.pk,
        },
    )
    assert action.status_code == 201, action.content
    assert (action.json()["given_by"], action.json()["given_by_name"]) == (colleague_named.pk, "郑丽萍")
