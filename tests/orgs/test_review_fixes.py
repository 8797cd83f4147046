"""Holes an independent review found in the foundation, each closed and proved (SEC-3, SEC-5, SEC-7 …)."""

import datetime
import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from fuqing.core import audit
from fuqing.core.models import AuditEvent, AuditHead
from fuqing.orgs import services
from fuqing.orgs.models import Org, OrgKind, Role, ScopeGrant, User
from tests.conftest import PASSWORD, make_user


def test_sec3_a_district_administrator_cannot_act_on_an_account_that_reaches_beyond_her(
    tree, district_sysadmin, district_secadmin
):
    wide = make_user(tree.a1, "cadre")
    ScopeGrant.objects.create(user=wide, org=tree.city)
    with pytest.raises(PermissionDenied):
        services.set_password(district_sysadmin, wide, "Harbin#2014x")
    with pytest.raises(PermissionDenied):
        services.assign_roles(district_secadmin, wide, [Role.objects.get(code="leader")])
    with pytest.raises(PermissionDenied):
        services.set_active(district_sysadmin, wide, False)


def test_sec5_no_administrator_takes_over_or_silences_another(tree, sysadmin, secadmin, auditor):
    with pytest.raises(PermissionDenied):
        services.set_password(sysadmin, secadmin, "Harbin#2014x")
    with pytest.raises(PermissionDenied):
        services.set_active(sysadmin, auditor, False)
    with pytest.raises(PermissionDenied):
        services.assign_roles(secadmin, auditor, [])
    with pytest.raises(PermissionDenied):
        services.update_user(sysadmin, auditor, name="x", org=tree.city, position="cadre", rank="other")
    assert User.objects.get(pk=auditor.pk).is_active and User.objects.get(pk=auditor.pk).roles.exists()


def test_sec5_an_administrator_is_reset_on_the_server_and_enrols_totp_again(tree, auditor, monkeypatch):
    TOTPDevice.objects.create(user=auditor, name="phone", confirmed=True)
    monkeypatch.setenv("FUQING_ADMIN_PASSWORD", "Reset#2014admin")
    call_command("reset_admin", "--username", "auditor")
    auditor.refresh_from_db()
    assert auditor.check_password("Reset#2014admin") and auditor.must_change_password
    assert not TOTPDevice.objects.filter(user=auditor).exists()
    call_command("reset_admin", "--username", "auditor", "--disable")
    assert not User.objects.get(pk=auditor.pk).is_active
    assert AuditEvent.objects.filter(object_id=str(auditor.pk), actor_username="manage.py").count() == 2


def _rewrite_with_plain_sha256(seq: int):
    """What an attacker with database access but without the key would do."""
    events = list(AuditEvent.objects.filter(seq__gte=seq).order_by("seq"))
    prev = AuditEvent.objects.get(seq=seq - 1).hash
    with connection.cursor() as cursor:
        for event in events:
            event.prev_hash = prev
            if event.seq == seq:
                event.result = "success"
            payload = audit._canonical(event)
            digest = hashlib.sha256(payload).hexdigest()
            cursor.execute(
                "UPDATE core_auditevent SET result=%s, prev_hash=%s, hash=%s WHERE id=%s",
                [event.result, prev, digest, event.pk],
            )
            prev = digest
        cursor.execute("UPDATE core_audithead SET hash=%s", [prev])


def test_sec7_the_chain_cannot_be_rewritten_consistently_without_the_key(tree, sysadmin):
    for i in range(4):
        audit.record("login_failed", result="failure", username="x", details={"i": i})
    _rewrite_with_plain_sha256(2)
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")


def test_sec7_records_cut_off_the_end_are_found_through_the_anchor(tree, sysadmin):
    for i in range(5):
        audit.record("update", actor=sysadmin, obj=tree.a, details={"i": i})
    call_command("verify_audit")  # writes the anchor
    last = AuditEvent.objects.order_by("-seq").first()
    previous = AuditEvent.objects.get(seq=last.seq - 1)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [last.pk])
    AuditHead.objects.filter(pk=1).update(seq=previous.seq, hash=previous.hash)
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")


def test_sec6_the_totp_step_does_not_redirect_off_site(client, sysadmin):
    from django_otp.oath import totp

    device = TOTPDevice.objects.create(user=sysadmin, name="phone", confirmed=True)
    client.post("/login/", {"username": "sysadmin", "password": PASSWORD})
    code = f"{totp(device.bin_key):06d}"
    response = client.post("/account/otp/verify/?next=https://evil.example/phish", {"token": code})
    assert response.status_code == 302 and response["Location"] == "/"


def test_sec7_a_refused_operation_in_the_pages_is_recorded(tree, login_as, sysadmin, daoli):
    client = login_as(sysadmin)
    client.post(f"/orgs/users/{daoli.uuid}/roles/", {"roles": []})
    assert AuditEvent.objects.filter(action="denied", actor=sysadmin).exists()


def test_org1_the_organisation_page_counts_every_kind(tree, login_as, daoli):
    page = login_as(daoli).get(f"/orgs/{tree.a.pk}/").content.decode()
    assert "街道(乡镇)妇联：1" in page and "社区(村)妇联：1" in page
    services.add_org(None, parent=tree.a1, name="二号社区", kind=OrgKind.COMMUNITY)
    assert "社区(村)妇联：2" in login_as(daoli).get(f"/orgs/{tree.a.pk}/").content.decode()


def _api_token(client, username, password=PASSWORD):
    return client.post(
        "/api/v1/auth/token",
        json.dumps({"username": username, "password": password}),
        content_type="application/json",
    )


def test_plt3_the_api_keeps_the_pages_rules(client, tree):
    volunteer = make_user(tree.a1a, "volunteer", username="vol")
    token = _api_token(client, volunteer.username).json()["token"]
    assert client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 403
    reset = make_user(tree.a, "cadre", username="resetme", must_change_password=True)
    assert _api_token(client, reset.username).status_code == 401


def test_sec6_an_administrator_without_totp_cannot_read_the_api_docs(client, sysadmin):
    client.post("/login/", {"username": "sysadmin", "password": PASSWORD})
    assert client.get("/api/v1/docs")["Location"] == "/account/otp/setup/"
    assert client.get("/api/v1/openapi.json").status_code == 302


def test_campaigns_system_administrator_finds_the_campaign_calendar(tree, login_as, sysadmin):
    assert "活动日程" in login_as(sysadmin).get("/").content.decode()


def test_org4_a_rejected_user_form_keeps_the_input_beside_the_field(tree, login_as, sysadmin):
    user = make_user(tree.a, "cadre", name="王丽")
    response = login_as(sysadmin).post(
        f"/orgs/users/{user.uuid}/edit/",
        {"name": "王丽丽", "org": tree.a.pk, "position": "cadre", "rank": "other", "email": "not-an-email"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'value="王丽丽"' in page and "电子邮箱" in page


def test_org4_forms_default_to_what_is_usual(tree, login_as, sysadmin):
    client = login_as(sysadmin)
    page = client.get("/orgs/users/add/").content.decode()
    assert '<option value="cadre" selected>' in page and '<option value="other" selected>' in page
    assert "请选择" in page
    add = client.get(f"/orgs/{tree.a.pk}/add/").content.decode()
    assert add.index('value="township"') < add.index('value="department"')


def test_org3_a_clashing_division_code_does_not_name_another_districts_unit(tree, district_sysadmin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.add_org(
            district_sysadmin, parent=tree.a, name="新街道", kind=OrgKind.TOWNSHIP, division_code="230103001"
        )
    assert "花园街道" not in str(exc.value)


def test_org4_tree_forms_need_the_tree_administrator(tree, login_as, daoli):
    client = login_as(daoli)
    for url in (f"/orgs/{tree.a.pk}/edit/", f"/orgs/{tree.a1.pk}/move/", f"/orgs/{tree.a.pk}/add/"):
        assert client.get(url).status_code == 403


def test_sec10_an_oversized_upload_is_refused_before_it_is_read(
    client, settings, login_as, district_sysadmin
):
    settings.UPLOAD_MAX_MB = 1
    response = login_as(district_sysadmin).post(
        "/ledgers/orgs/import/", data=b"x" * (3 * 1024 * 1024), content_type="application/octet-stream"
    )
    assert response.status_code == 413 and "超过 1 MB" in response.content.decode()


def test_org5_users_of_a_deactivated_organisation_see_nothing(tree, sysadmin, daoli):
    services.update_org(
        sysadmin, tree.a, name=tree.a.name, division_code=tree.a.division_code, is_active=False
    )
    assert not Org.objects.visible_to(User.objects.get(pk=daoli.pk)).exists()


def test_cam1_campaign_services_check_the_scope_too(tree, district_sysadmin):
    from fuqing.campaigns import services as campaign_services

    campaign = campaign_services.create_campaign(None, org=tree.city, year=2014)
    with pytest.raises(PermissionDenied):
        campaign_services.copy_to_next_year(district_sysadmin, campaign)
    with pytest.raises(PermissionDenied):
        campaign_services.create_campaign(district_sysadmin, org=tree.b, year=2015)


def test_sec7_a_failed_login_with_an_unknown_name_keeps_only_a_hint(client, db):
    client.post("/login/", {"username": "MySecret#Pass1", "password": "x"})
    event = AuditEvent.objects.get(action="login_failed")
    assert event.actor_username == "My***(14)" and "Secret" not in json.dumps(event.details)


def test_plt4_password_age_is_counted_from_the_last_change(tree):
    user = make_user(tree.a, "cadre")
    user.password_changed_at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=91)
    assert user.password_expired(90) and not user.password_expired(0)
