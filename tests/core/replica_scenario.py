"""Run inside a process configured with DATABASE_URL (primary) and DATABASE_REPLICA_URL (streaming
replica): ``python -m tests.core.replica_scenario PHASE``; prints one JSON object of observations."""

from __future__ import annotations

import json
import sys
import time

import django

django.setup()

from django.db import connections  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from fuqing.core import replica  # noqa: E402
from fuqing.core.ledger import ledgers  # noqa: E402
from fuqing.orgs import services as org_services  # noqa: E402
from fuqing.orgs.models import Org, OrgKind, Role, User  # noqa: E402


def replica_queries(client, url) -> tuple[int, int]:
    """(status, queries the replica answered, not counting the lag check)."""
    seen = []

    def count(execute, sql, params, many, context):
        if "pg_is_in_recovery" not in sql:
            seen.append(sql)
        return execute(sql, params, many, context)

    with connections["replica"].execute_wrapper(count):
        response = client.get(url)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return response.status_code, len(seen)


def on_replica(sql, params=()):
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def wait_replayed(lsn: str, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if on_replica("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])[0]:
            return
        time.sleep(0.2)
    raise AssertionError("the replica did not catch up")


def pause_replay(timeout=30):
    """Pause replay and wait until it has paused (a request is honoured between WAL records)."""
    on_replica("SELECT pg_wal_replay_pause()")
    deadline = time.monotonic() + timeout
    while on_replica("SELECT pg_get_wal_replay_pause_state()")[0] != "paused":
        assert time.monotonic() < deadline, "replay did not pause"
        with connections["default"].cursor() as cursor:  # some WAL, so the replica reaches a pause point
            cursor.execute("SELECT txid_current()")
        time.sleep(0.2)


def seed() -> User:
    user = User.objects.filter(username="replica_leader").first()
    if user is None:
        city = org_services.add_org(
            None, parent=None, name="哈尔滨市妇联", kind=OrgKind.CITY, division_code="230100"
        )
        district = org_services.add_org(
            None, parent=city, name="道里区妇联", kind=OrgKind.DISTRICT, division_code="230102"
        )
        user = User.objects.create(username="replica_leader", name="张丽", org=district)
        user.set_password("Test@2014pass")
        user.save()
        user.roles.set(Role.objects.filter(code="leader"))
    return user


def export_url(user) -> str:
    for name, ledger in sorted(ledgers().items()):
        if name != "audit" and ledger.can_export(user):
            return f"/ledgers/{name}/export/"
    raise AssertionError("no ledger the leader may export")


def main(phase: str) -> dict:
    out = {}
    user = seed()
    wait_replayed(replica.primary_lsn()) if phase == "main" else None
    client = Client()
    client.force_login(user)
    url = export_url(user)
    out["export_url"] = url
    if phase == "down":
        out["dashboard"] = replica_queries(client, "/")
        out["export"] = replica_queries(client, url)
        return out

    wait_replayed(replica.primary_lsn())
    out["dashboard"] = replica_queries(client, "/")
    out["export"] = replica_queries(client, url)
    out["not_opted_in"] = replica_queries(client, "/orgs/")

    with override_settings(ROOT_URLCONF="tests.core.replica_urls", REPLICA_MAX_LAG_SECONDS=3600):
        pause_replay()
        out["probe"] = client.get("/replica-probe/").json()  # reads, writes, reads
        out["after_write_same_session"] = replica_queries(client, "/")
        other = Client()
        other.force_login(user)
        out["other_session"] = replica_queries(other, "/")
        with override_settings(REPLICA_MAX_LAG_SECONDS=1):
            time.sleep(1.6)
            fresh = Client()
            fresh.force_login(user)
            out["lagging"] = replica_queries(fresh, "/")
        on_replica("SELECT pg_wal_replay_resume()")
        wait_replayed(client.session[replica.SESSION_KEY])
        out["after_catch_up_same_session"] = replica_queries(client, "/")
    out["orgs"] = Org.objects.count()
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
