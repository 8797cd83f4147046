"""SEC-1: every URL except login and static files requires login (a test walks every URL pattern)."""

import pytest

from tests.routes import all_routes

# Reachable without a session: the login page, the language switch on it, and the API's token endpoint
# (which is itself the login of the API), and the load balancers' health check (ok/fail per check only).
# API operations answer 401 without a token.
PUBLIC = {"login", "set_language", "api:api-token", "healthz"}


def _routes():
    return [r for r in all_routes() if r.name not in PUBLIC]


@pytest.mark.parametrize(
    "route",
    _routes(),
    ids=lambda r: r.name + ("-" + "/".join(r.api_operation.methods) if r.api_operation else ""),
)
def test_sec1_every_url_needs_login(route, client, db):
    url = route.sample_url()
    methods = list(route.api_operation.methods) if route.api_operation else ["GET", "POST"]
    for method in methods:
        response = client.generic(method, url)
        if route.is_api and route.api_operation is not None:
            assert response.status_code == 401, (
                f"{method} {url} answered {response.status_code} without a token"
            )
        else:
            assert response.status_code == 302, (
                f"{method} {url} answered {response.status_code} without login"
            )
            assert response["Location"].startswith("/login/"), response["Location"]


def test_sec1_the_public_routes_are_only_login_language_and_token(client, db):
    names = {r.name for r in all_routes()}
    assert PUBLIC <= names
    assert client.get("/login/").status_code == 200
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response["Location"] == "/login/"
    assert "Log in" in client.get("/login/").content.decode()


def test_sec1_static_files_are_served_without_login(client, db):
    response = client.get("/static/fuqing/app.css")
    assert response.status_code == 200


def test_sec1_a_user_without_a_role_sees_nothing(client, tree):
    from fuqing.orgs.models import Org
    from tests.conftest import make_user

    user = make_user(tree.a)  # no role
    assert Org.objects.visible_to(user).count() == 0
    client.force_login(user)
    assert client.get("/").status_code == 200
    assert client.get(f"/orgs/{tree.a.pk}/").status_code == 404
    assert client.get("/orgs/").status_code == 403
    assert "组织机构" not in client.get("/").content.decode()  # no navigation to modules
