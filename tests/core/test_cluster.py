"""Several app servers and workers serve one federation (PLT-8, PLT-5, SEC-7).

Two gunicorn instances with separate var/ directories share PostgreSQL, Redis (cache, sessions, rate
limits, the RQ queue), the keys (through ``*_FILE`` settings) and a shared directory for files; two RQ
workers take the jobs. A bounded mixed load (reads, writes, imports, exports) runs against both; one
worker is killed in the middle of an import. Then the counts and the audit chain are checked.
PostgreSQL only (a dedicated database ``fq_ops_cluster_harness``), Redis db 5.
"""

from __future__ import annotations

import io
import re
import secrets
import sys
import threading

import openpyxl
import pytest

from tests.core.cluster_support import (
    REDIS_DB,
    Processes,
    base_env,
    drop_database,
    free_port,
    manage,
    postgres_url,
    python,
    recreate_database,
    wait_until,
)

pytestmark = pytest.mark.cluster

DB_NAME = "fq_ops_cluster_harness"
PASSWORD = "Test@2014pass"
SEED = """
import django, json
django.setup()
from fuqing.orgs import services
from fuqing.orgs.models import Org, OrgKind, Role, User
city = services.add_org(None, parent=None, name="哈尔滨市妇联", kind=OrgKind.CITY, division_code="230100")
a = services.add_org(None, parent=city, name="道里区妇联", kind=OrgKind.DISTRICT, division_code="230102")
b = services.add_org(None, parent=city, name="南岗区妇联", kind=OrgKind.DISTRICT, division_code="230103")
a1 = services.add_org(None, parent=a, name="新阳路街道", kind=OrgKind.TOWNSHIP, division_code="230102002")
b1 = services.add_org(None, parent=b, name="花园街道", kind=OrgKind.TOWNSHIP, division_code="230103001")
user = User.objects.create(username="cluster_admin", name="王敏", org=city)
user.set_password("PASSWORD")
user.save()
user.roles.set(Role.objects.filter(code="system-admin"))
leader = User.objects.create(username="cluster_leader", name="李红", org=city)
leader.set_password("PASSWORD")
leader.save()
leader.roles.set(Role.objects.filter(code="leader"))
print(json.dumps({"a1": a1.pk, "b1": b1.pk, "city": city.pk, "orgs": Org.objects.count()}))
""".replace("PASSWORD", PASSWORD)
COUNT = """
import django, json
django.setup()
from fuqing.core.models import AuditEvent, Job
from fuqing.orgs.models import Org
print(json.dumps({
    "orgs": Org.objects.count(),
    "audit": AuditEvent.objects.count(),
    "audit_max_seq": max(AuditEvent.objects.values_list("seq", flat=True)),
    "jobs": dict((str(j.pk), j.status) for j in Job.objects.all()),
}))
"""


def _workbook(rows) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["名称", "类型", "行政区划代码", "代码年份", "上级区划代码", "上级名称"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class Browser:
    """One user's session (requests keeps the cookies, which are the same for both servers' host)."""

    def __init__(self, requests_session):
        self.http = requests_session

    def csrf(self) -> str:
        return self.http.cookies.get("csrftoken", "")

    def get(self, base, path, **kwargs):
        return self.http.get(base + path, allow_redirects=False, timeout=60, **kwargs)

    def post(self, base, path, data=None, files=None):
        headers = {"X-CSRFToken": self.csrf(), "Referer": base + path}
        return self.http.post(
            base + path, data=data or {}, files=files, headers=headers, allow_redirects=False, timeout=60
        )

    def login(self, base, username):
        page = self.get(base, "/login/")
        assert page.status_code == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = self.post(
            base, "/login/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302, response.text[:500]

    def start_import(self, base, org_pk, rows) -> str:
        response = self.post(
            base,
            "/ledgers/orgs/import/",
            {"org": str(org_pk)},
            files={"file": ("tree.xlsx", _workbook(rows), "application/octet-stream")},
        )
        assert response.status_code == 302, response.text[:2000]
        return response.headers["Location"].strip("/").split("/")[-1]


def _counts(env) -> dict:
    import json

    return json.loads(python(env, COUNT).strip().splitlines()[-1])


def test_plt8_two_servers_and_two_workers_serve_one_federation(tmp_path):
    requests = pytest.importorskip("requests")
    import redis
    from rq import Worker

    url = postgres_url()
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    redis_client = redis.Redis.from_url(redis_url)
    try:
        redis_client.flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    db_url = recreate_database(url, DB_NAME)

    secrets_dir = tmp_path / "secrets"
    secrets_dir.mkdir()
    from cryptography.fernet import Fernet

    keys = {
        "FUQING_SECRET_KEY": secrets.token_urlsafe(50),
        "FUQING_FIELD_KEYS": Fernet.generate_key().decode(),
        "FUQING_BLIND_INDEX_KEY": secrets.token_hex(32),
        "FUQING_AUDIT_KEY": secrets.token_hex(32),
    }
    key_files = {}
    for name, value in keys.items():
        path = secrets_dir / name.lower()
        path.write_text(value)
        key_files[f"{name}_FILE"] = path
    shared = tmp_path / "shared"
    common = dict(
        DATABASE_URL=db_url,
        REDIS_URL=redis_url,
        FUQING_TASKS_BACKEND="rq",
        FUQING_SHARED_DIR=shared,
        FUQING_AUDIT_ANCHOR_FILE=shared / "audit-anchors.log",
        FUQING_EXPORT_RATE_PER_HOUR=4,
        FUQING_JOB_HEARTBEAT_SECONDS=1,
        FUQING_JOB_STALE_SECONDS=5,
        FUQING_DB_CONN_MAX_AGE=0,
        **key_files,
    )
    envs = {
        name: base_env(FUQING_VAR_DIR=tmp_path / f"var-{name}", **common) for name in ("a", "b", "w1", "w2")
    }
    (tmp_path / "logs").mkdir()
    procs = Processes(tmp_path / "logs")
    try:
        migrated = manage(envs["a"], "migrate", "--noinput", "-v0")
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        import json

        seeded = json.loads(python(envs["a"], SEED).strip().splitlines()[-1])

        ports = {"a": free_port(), "b": free_port()}
        for name, port in ports.items():
            procs.start(
                name,
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "fuqing.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--threads",
                    "4",
                    "--timeout",
                    "90",
                ],
                envs[name],
            )
        for name in ("w1", "w2"):
            procs.start(
                name,
                [sys.executable, "manage.py", "rqworker", "default", "--job-class", "django_tasks_rq.Job"],
                envs[name],
            )
        A, B = (f"http://127.0.0.1:{ports[n]}" for n in ("a", "b"))

        def healthy(base):
            try:
                return requests.get(base + "/healthz", timeout=30).status_code == 200
            except requests.RequestException:
                return False

        for base in (A, B):
            wait_until(lambda base=base: healthy(base), 90, 0.5, f"{base}/healthz: {procs.log('a')}")
        assert set(requests.get(A + "/healthz", timeout=10).json()["checks"]) == {
            "database",
            "redis",
            "migrations",
            "worker",
            "disk",
        }

        # A session opened on one server works on the other.
        user = Browser(requests.Session())
        user.login(A, "cluster_admin")
        assert user.get(B, "/").status_code == 200

        # Concurrent writes (each one audited) and reads on both servers.
        created, errors = [], []

        def writer(base, parent, prefix):
            try:
                for i in range(5):
                    response = user.post(
                        base, f"/orgs/{parent}/add/", {"name": f"{prefix}{i}社区", "kind": "community"}
                    )
                    if response.status_code != 302:
                        errors.append((base, response.status_code, response.text[:300]))
                        continue
                    created.append(prefix)
                    assert user.get(base, "/orgs/").status_code == 200
                    assert user.get(B if base == A else A, "/").status_code == 200
            except Exception as exc:  # reported below
                errors.append((base, repr(exc)))

        threads = [
            threading.Thread(target=writer, args=(A, seeded["a1"], "甲")),
            threading.Thread(target=writer, args=(B, seeded["b1"], "乙")),
            threading.Thread(target=writer, args=(A, seeded["b1"], "丙")),
            threading.Thread(target=writer, args=(B, seeded["a1"], "丁")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors, errors
        assert len(created) == 20

        # An import started on A is followed on B.
        rows = [(f"导入{i}社区", "社区", "", "", "", "新阳路街道") for i in range(20)]
        job = user.start_import(A, seeded["city"], rows)
        wait_until(lambda: _counts(envs["b"])["jobs"][job] in ("succeeded", "failed"), 60, 1, "import")
        assert _counts(envs["b"])["jobs"][job] == "succeeded"
        page = user.get(B, f"/jobs/{job}/")
        assert page.status_code == 200 and "已完成" in page.text

        # Limits are shared: 4 exports an hour in all, whichever server is asked.
        leader = Browser(requests.Session())
        leader.login(B, "cluster_leader")
        statuses = []
        for base in (A, B, A, B, A, B):
            response = leader.get(base, "/ledgers/actions/export/")
            statuses.append(response.status_code)
        assert statuses == [200, 200, 200, 200, 403, 403], statuses

        # A worker killed mid-job: the job ends failed (nothing written), never "running" forever.
        big = [(f"大批{i}社区", "社区", "", "", "", "新阳路街道") for i in range(3000)]
        job = user.start_import(B, seeded["city"], big)
        wait_until(lambda: _counts(envs["a"])["jobs"][job] != "queued", 60, 0.2, "the big import to start")
        assert _counts(envs["a"])["jobs"][job] == "running", "the import finished before the kill"
        busy = [w.pid for w in Worker.all(connection=redis_client) if w.get_current_job_id()]
        victim = next(name for name in ("w1", "w2") if procs.procs[name].pid in busy)
        procs.kill_tree(victim)
        survivor = "w2" if victim == "w1" else "w1"
        wait_until(
            lambda: (
                user.get(A, f"/jobs/{job}/").status_code == 200
                and _counts(envs["a"])["jobs"][job] == "failed"
            ),
            60,
            1,
            "the dead worker's job to be marked failed",
        )
        # the other worker still takes jobs
        job2 = user.start_import(A, seeded["city"], [("补充社区", "社区", "", "", "", "花园街道")])
        wait_until(lambda: _counts(envs["a"])["jobs"][job2] == "succeeded", 60, 1, procs.log(survivor))

        counts = _counts(envs["a"])
        assert counts["orgs"] == seeded["orgs"] + 20 + 20 + 1  # nothing of the killed import
        assert counts["audit"] == counts["audit_max_seq"]  # no gaps, no duplicates under concurrency
        assert "running" not in counts["jobs"].values()
        verified = manage(envs["b"], "verify_audit")
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert healthy(A) and healthy(B)
    finally:
        procs.stop()
        drop_database(url, DB_NAME)
        redis.Redis.from_url(redis_url).flushdb()
