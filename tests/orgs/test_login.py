"""Login hardening (PLT-4, SEC-6): hashing, password policy, lockout, session limits, TOTP, disabling."""

import datetime

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from fuqing.core.models import AuditEvent
from fuqing.orgs import services
from fuqing.orgs.models import ApiToken, LoginSession
from tests.conftest import PASSWORD, make_user


def _login(client, username, password=PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def test_plt4_passwords_are_hashed_with_argon2(tree, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = services.create_user(None, username="wang", password="Harbin#2014x", org=tree.a)
    assert identify_hasher(user.password).algorithm == "argon2"


@pytest.mark.parametrize(
    ("password", "message"),
    [("Ab1!", "至少需要 8 个字符"), ("abcdefgh12", "至少 3 类"), ("harbin2014", "至少 3 类")],
)
def test_sec6_password_policy_refuses_weak_passwords(tree, password, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.create_user(None, username="weak", password=password, org=tree.a)
    assert message in " ".join(exc.value.message_dict["password"])


def test_sec6_password_policy_is_configurable(tree, settings):
    settings.PASSWORD_MIN_LENGTH = 12
    settings.PASSWORD_MIN_CLASSES = 2
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.create_user(None, username="short", password="Abcdef12345", org=tree.a)
    services.create_user(None, username="long", password="abcdefgh12345", org=tree.a)


def test_sec6_five_failures_lock_the_account_for_thirty_minutes(client, daoli):
    for _attempt in range(4):
        response = _login(client, "daoli", "wrong-password")
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
    response = _login(client, "daoli", "wrong-password")
    assert response.status_code == 429
    assert "已被锁定 30 分钟" in response.content.decode()
    # Even the right password is refused while locked.
    response = _login(client, "daoli")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    with freeze_time(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=31)):
        response = _login(client, "daoli")
        assert response.status_code == 302
    assert AuditEvent.objects.filter(action="locked_out", object_repr="daoli").exists()
    assert AuditEvent.objects.filter(action="login_failed", actor_username="daoli").count() >= 5


def test_sec6_a_security_administrator_unlocks_an_account(client, daoli, secadmin):
    for _attempt in range(5):
        _login(client, "daoli", "wrong-password")
    assert _login(client, "daoli").status_code == 429
    services.unlock_user(secadmin, daoli)
    assert _login(client, "daoli").status_code == 302


def test_sec6_idle_sessions_end_after_thirty_minutes(client, daoli):
    start = datetime.datetime(2014, 4, 15, 9, 0, tzinfo=datetime.UTC)
    with freeze_time(start):
        assert _login(client, "daoli").status_code == 302
        assert client.get("/").status_code == 200
    with freeze_time(start + datetime.timedelta(minutes=29)):
        assert client.get("/").status_code == 200  # activity keeps it alive
    with freeze_time(start + datetime.timedelta(minutes=29 + 31)):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_sec6_an_unchanged_session_is_written_at_most_once_a_minute(client, daoli):
    """Every page used to rewrite the session row; now only the first request of each minute does, and
    the idle limit still counts from the last write (never longer than 30 minutes)."""
    from django.contrib.sessions.models import Session

    start = datetime.datetime(2014, 4, 15, 9, 0, tzinfo=datetime.UTC)
    with freeze_time(start):
        _login(client, "daoli")
        client.get("/")
    expiry = Session.objects.get().expire_date
    for seconds in (10, 30, 59):
        with freeze_time(start + datetime.timedelta(seconds=seconds)):
            assert client.get("/").status_code == 200
    assert Session.objects.get().expire_date == expiry  # no write within the minute
    with freeze_time(start + datetime.timedelta(seconds=61)):
        assert client.get("/").status_code == 200
    assert Session.objects.get().expire_date == expiry + datetime.timedelta(seconds=61)
    with freeze_time(start + datetime.timedelta(seconds=61 + 30 * 60 + 1)):
        assert client.get("/").status_code == 302


@override_settings(SESSION_ABSOLUTE_HOURS=1)
def test_sec6_sessions_have_an_absolute_limit(client, daoli):
    start = datetime.datetime(2014, 4, 15, 9, 0, tzinfo=datetime.UTC)
    for minutes in range(0, 61, 20):
        with freeze_time(start + datetime.timedelta(minutes=minutes)):
            if minutes == 0:
                _login(client, "daoli")
            assert client.get("/").status_code == 200
    with freeze_time(start + datetime.timedelta(minutes=75)):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login")


def test_sec6_disabling_a_user_ends_her_sessions_and_tokens(client, daoli, sysadmin):
    _login(client, "daoli")
    assert client.get("/").status_code == 200
    assert LoginSession.objects.filter(user=daoli).count() == 1
    token = ApiToken.objects.create(
        user=daoli,
        digest="d" * 64,
        prefix="fq_x",
        expires_at=datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC),
    )
    services.set_active(sysadmin, daoli, False)
    response = client.get("/")
    assert response.status_code == 302
    assert LoginSession.objects.filter(user=daoli).count() == 0
    token.refresh_from_db()
    assert token.revoked
    assert "已停用" in _login(client, "daoli").content.decode() or _login(client, "daoli").status_code == 200


def _device_token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_sec6_administrators_must_set_up_and_use_totp(client, sysadmin):
    assert _login(client, "sysadmin").status_code == 302
    response = client.get("/orgs/")
    assert response.status_code == 302 and response["Location"] == "/account/otp/setup/"
    page = client.get("/account/otp/setup/")
    assert "二维码" in page.content.decode()
    device = TOTPDevice.objects.get(user=sysadmin)
    assert "验证码不正确" in client.post("/account/otp/setup/", {"token": "000000"}).content.decode()
    with freeze_time(
        datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=5)
    ):  # failures throttle
        device.refresh_from_db()
        response = client.post("/account/otp/setup/", {"token": _device_token(device)})
    assert response.status_code == 302
    assert client.get("/orgs/").status_code == 200
    # Next login: the code is asked for again.
    client.post("/logout/")
    _login(client, "sysadmin")
    response = client.get("/orgs/")
    assert response["Location"] == "/account/otp/verify/?next=%2Forgs%2F"
    device.refresh_from_db()
    with freeze_time(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=60)):
        client.post("/account/otp/verify/", {"token": _device_token(device)})
        assert client.get("/orgs/").status_code == 200


def test_sec6_a_password_past_its_age_must_be_changed(client, daoli):
    daoli.password_changed_at = datetime.datetime(2013, 1, 1, tzinfo=datetime.UTC)
    daoli.save()
    _login(client, "daoli")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/account/password/"
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "password": "Newpass#2014", "password2": "Newpass#2014"},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_sec6_a_password_reset_by_an_administrator_must_be_replaced(client, daoli, sysadmin):
    services.set_password(sysadmin, daoli, "Reset#2014pw")
    _login(client, "daoli", "Reset#2014pw")
    assert client.get("/")["Location"] == "/account/password/"


def test_sec7_logins_and_failures_are_audited_with_ip(client, daoli):
    _login(client, "daoli", "bad")
    _login(client, "daoli")
    failed = AuditEvent.objects.get(action="login_failed")
    ok = AuditEvent.objects.get(action="login")
    assert failed.ip == "127.0.0.1" and failed.result == "failure" and failed.org_id == daoli.org_id
    assert ok.actor_id == daoli.pk and ok.result == "success"


def test_plt2_interface_is_chinese_by_default_and_english_on_request(client, daoli):
    assert "登录" in client.get("/login/").content.decode()
    _login(client, "daoli")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "Home" in page


def test_sec6_an_inactive_account_cannot_log_in(client, tree):
    user = make_user(tree.a, "cadre", username="gone", is_active=False)
    response = _login(client, user.username)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sec6_polling_a_job_does_not_keep_an_idle_session_alive(client, daoli):
    from fuqing.core.models import Job

    job = Job.objects.create(org=daoli.org, user=daoli, kind="ledger_export", title="导出")
    start = datetime.datetime(2014, 4, 15, 9, 0, tzinfo=datetime.UTC)
    with freeze_time(start):
        _login(client, "daoli")
    for minutes in (10, 20, 29):
        with freeze_time(start + datetime.timedelta(minutes=minutes)):
            assert client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").status_code == 200
    with freeze_time(start + datetime.timedelta(minutes=31)):
        assert client.get("/").status_code == 302
