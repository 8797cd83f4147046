"""The API (PLT-3): tokens, the caller's visible organisations, 404 outside the scope, OpenAPI."""

import io
import json

import openpyxl
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from fuqing.core.models import AuditEvent
from fuqing.orgs.models import ApiToken
from tests.conftest import PASSWORD


def _token(client, username, password=PASSWORD, otp=None):
    body = {"username": username, "password": password}
    if otp:
        body["otp"] = otp
    return client.post("/api/v1/auth/token", json.dumps(body), content_type="application/json")


def _get(client, url, token, **params):
    return client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_plt3_a_token_for_username_and_password(client, daoli):
    response = _token(client, "daoli")
    assert response.status_code == 200
    token = response.json()["token"]
    assert token.startswith("fq_")
    stored = ApiToken.objects.get(user=daoli)
    assert stored.digest != token and token not in stored.digest  # only the digest is kept
    assert AuditEvent.objects.filter(action="login", actor=daoli, details__via="api").exists()
    assert _token(client, "daoli", "wrong").status_code == 401


def test_plt3_administrators_need_their_totp_code_for_a_token(client, sysadmin):
    assert "双因素" in _token(client, "sysadmin").json()["detail"]
    device = TOTPDevice.objects.create(user=sysadmin, name="phone", confirmed=True)
    assert _token(client, "sysadmin", otp="000000").status_code == 401
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert _token(client, "sysadmin", otp=code).status_code == 200


def test_plt3_token_requests_are_locked_out_too(client, daoli):
    for _attempt in range(5):
        _token(client, "daoli", "wrong")
    response = _token(client, "daoli")
    assert response.status_code == 429
    assert "锁定" in response.json()["detail"]


def test_org3_the_api_lists_only_the_callers_visible_organisations(client, tree, daoli):
    token = _token(client, "daoli").json()["token"]
    data = _get(client, "/api/v1/orgs/", token).json()
    assert data["count"] == 3
    assert [o["name"] for o in data["items"]] == ["道里区妇联", "新阳路街道", "友谊社区"]
    first = data["items"][0]
    assert first["kind"] == "district" and first["division_code"] == "230102"
    assert first["parent"] is None  # the city lies outside her scope: its id does not leak
    assert data["items"][1]["parent"] == tree.a.pk


def test_org3_an_organisation_outside_the_scope_answers_404(client, tree, daoli):
    token = _token(client, "daoli").json()["token"]
    assert _get(client, f"/api/v1/orgs/{tree.a1.pk}/", token).json()["name"] == "新阳路街道"
    for org in (tree.b, tree.city, tree.other):
        assert _get(client, f"/api/v1/orgs/{org.pk}/", token).status_code == 404
    assert _get(client, "/api/v1/orgs/999999/", token).status_code == 404
    assert AuditEvent.objects.filter(action="denied", actor=daoli).count() == 3


def test_plt3_without_a_valid_token_the_api_answers_401(client, daoli):
    assert client.get("/api/v1/orgs/").status_code == 401
    assert _get(client, "/api/v1/orgs/", "fq_forged").status_code == 401
    token = _token(client, "daoli").json()["token"]
    daoli.is_active = False
    daoli.save()
    assert _get(client, "/api/v1/orgs/", token).status_code == 401


def test_plt3_openapi_describes_the_api(login_as, daoli):
    client = login_as(daoli)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/orgs/" in schema["paths"] and "/api/v1/orgs/{org_id}/" in schema["paths"]
    assert "/api/v1/auth/token" in schema["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()  # served by the platform itself


def test_rpt3_imports_run_as_jobs_through_the_api(
    client, tree, district_sysadmin, nangang, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from fuqing.api.auth import TOKEN_PREFIX, digest

    raw = TOKEN_PREFIX + "import-test-token"
    ApiToken.objects.create(
        user=district_sysadmin,
        digest=digest(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + timezone.timedelta(hours=1),
    )
    book = openpyxl.Workbook()
    book.active.append(["名称", "类型"])
    book.active.append(["抚顺街道", "街道(乡镇)妇联"])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "tree.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/orgs/", {"file": data, "org": "230102"}, HTTP_AUTHORIZATION=f"Bearer {raw}"
        )
    assert response.status_code == 202, response.content
    job = _get(client, f"/api/v1/jobs/{response.json()['id']}/", raw).json()
    assert job["status"] == "succeeded" and job["result"]["imported"] == 1
    other = _token(client, "nangang").json()["token"]
    assert _get(client, f"/api/v1/jobs/{response.json()['id']}/", other).status_code == 404
