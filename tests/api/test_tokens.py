"""PLT-3, issue 10 point 8: tokens end with the password and on request; the description is readable
with a token and documents every answer an operation gives."""

from __future__ import annotations

from fuqing.api.api import api
from fuqing.orgs import services
from fuqing.orgs.models import ApiToken
from tests.api.conftest import token_for
from tests.conftest import PASSWORD


def _get(client, token, path="/api/v1/orgs/"):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_plt3_changing_the_password_revokes_the_users_tokens(client, daoli, colleague):
    token, other = token_for(daoli), token_for(colleague)
    assert _get(client, token).status_code == 200
    services.set_password(daoli, daoli, "Neues-Passwort-2026!", old_password=PASSWORD)
    assert _get(client, token).status_code == 401
    assert not ApiToken.objects.filter(user=daoli, revoked=False).exists()
    assert _get(client, other).status_code == 200  # another user's token lives on


def test_plt3_an_administrators_reset_revokes_the_tokens_too(client, tree, daoli, sysadmin):
    token = token_for(daoli)
    services.set_password(sysadmin, daoli, "Neues-Passwort-2026!")
    assert _get(client, token).status_code == 401


def test_plt3_a_token_issued_before_the_password_changed_is_refused_even_if_not_marked(client, daoli):
    token = token_for(daoli)
    ApiToken.objects.update(
        created_at=daoli.password_changed_at - __import__("datetime").timedelta(seconds=1)
    )
    assert _get(client, token).status_code == 401


def test_plt3_revoke_ends_the_token_it_is_called_with(client, daoli):
    token, second = token_for(daoli), token_for(daoli)
    response = client.post("/api/v1/auth/revoke", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["detail"]
    assert _get(client, token).status_code == 401
    assert client.post("/api/v1/auth/revoke", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert _get(client, second).status_code == 200  # only the token it was called with


def test_plt3_openapi_is_readable_with_a_bearer_token(client, daoli):
    response = _get(client, token_for(daoli), "/api/v1/openapi.json")
    assert response.status_code == 200 and "/api/v1/auth/revoke" in response.json()["paths"]
    assert _get(client, "fq_not-a-token", "/api/v1/openapi.json").status_code == 401
    assert client.get("/api/v1/openapi.json").status_code == 302  # no token, no login: the login page


def test_plt3_openapi_still_opens_with_a_web_login(client, daoli, login_as):
    login_as(daoli)
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_plt3_every_operation_documents_its_error_answers():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    invalid = schema["components"]["schemas"]["ApiInvalid"]
    assert set(invalid["required"]) == {"detail", "errors"}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"401", "403", "404", "422"} <= codes, (method, path)
            if "requestBody" in operation:
                assert "400" in codes and "413" in codes, (method, path)
            ref = operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ApiInvalid")


def test_plt3_the_422_body_is_the_documented_one_for_validation_and_rules(client, tree, daoli):
    token = token_for(daoli)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    shape = client.post("/api/v1/topics/", "{}", content_type="application/json", **headers)
    assert shape.status_code == 422
    body = shape.json()
    assert set(body) == {"detail", "errors"} and "年度（year）：必须填写。" in body["errors"]["year"]
    bad_json = client.post("/api/v1/topics/", "{not json", content_type="application/json", **headers)
    assert bad_json.status_code == 400 and bad_json.json()["detail"] == "请求体不是合法的 JSON。"
    assert client.get("/api/v1/orgs/").json() == {"detail": "Unauthorized"}
