"""Issue 10, point 11: no "database is locked" while a big import runs beside concurrent requests.

A bounded version of ``bench/bench_sqlite_load.py``: the test database (with the cast and a few logged-in
sessions) is copied to a file, a real server (gunicorn, 2 workers) and the import command run on it as
separate processes, and 50 client threads keep requesting pages — each saving its session, a write — for
as long as a 15,000-row women's import runs. No answer may be a 5xx, and a probe writer with a 5-second
busy timeout must never be refused: the import holds the writer for a short chunk at a time, never for
the whole file (which would also have to stay under the server's busy timeout as files grow).
"""

from __future__ import annotations

import sqlite3

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from bench import sqlite_load
from fuqing.registry.models import Woman
from tests.registry.conftest import new_id

ROWS = 15_000


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_plt_sqlite_a_big_import_beside_50_concurrent_requests_gives_no_5xx(tree, daoli, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single writer is what this test is about")
    cookies = []
    for _ in range(5):
        client = Client()
        client.force_login(daoli)
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    ids = iter(new_id, None)
    ledger = sqlite_load.write_women(str(tmp_path / "women.xlsx"), ROWS, ids)
    var = tmp_path / "var"
    var.mkdir()
    connection.ensure_connection()
    sqlite_load.copy_database(connection.connection, var / "fuqing.sqlite3")

    env = sqlite_load.environment(str(var), settings.SECRET_KEY)
    server, base = sqlite_load.serve(env)
    try:
        load = sqlite_load.run(env, base, ledger, "230102", daoli.username, cookies, probe_timeout=20.0)
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert load.import_returncode == 0, load.import_output
    assert len(load.statuses) >= 50 and load.server_errors == []
    assert set(load.statuses) <= {200}, sorted(set(load.statuses))
    assert load.probe_failures == [] and load.probe_waits, (load.probe_failures, max(load.probe_waits))
    copied = sqlite3.connect(var / "fuqing.sqlite3")
    (count,) = copied.execute(f"SELECT COUNT(*) FROM {Woman._meta.db_table}").fetchone()  # noqa: S608
    copied.close()
    assert count == ROWS
