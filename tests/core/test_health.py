"""GET /healthz for load balancers (PLT-8): no login, status code and ok/fail per check, nothing else."""

import datetime

from django.utils import timezone

from fuqing.core.models import Job


def test_plt8_healthz_answers_without_login_and_reveals_only_ok_per_check(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "checks"} and body["status"] == "ok"
    assert {"database", "migrations", "worker", "disk"} <= set(body["checks"])
    assert set(body["checks"].values()) == {"ok"}
    assert "sessionid" not in response.cookies and "no-cache" in response["Cache-Control"]


def test_plt8_healthz_is_503_when_free_space_under_var_is_short(client, db, settings):
    settings.HEALTH_MIN_FREE_MB = 10**9  # a petabyte
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "checks": {**{name: "ok" for name in response.json()["checks"]}, "disk": "fail"},
    }


def test_plt8_healthz_fails_the_worker_check_when_jobs_wait_unserved(client, daoli, settings):
    job = Job.objects.create(org=daoli.org, user=daoli, kind="ledger_export", title="x")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["worker"] == "fail"


def test_plt8_healthz_fails_the_database_check_without_details(client, db, monkeypatch):
    from fuqing.core import health

    def broken():
        raise RuntimeError("password authentication failed for user secret")

    monkeypatch.setattr(health, "check_database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["database"] == "fail"
    assert b"secret" not in response.content
