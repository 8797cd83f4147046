"""A PostgreSQL streaming replica serves dashboards and ledger exports (PLT-8): writes, and reads after a
write in the same request or session, stay on the primary; a replica down or lagging is not used.
Tested against a real replica made with pg_basebackup (PostgreSQL only)."""

import json
import subprocess
import sys

import pytest

from tests.core.cluster_support import PG_BIN, ROOT, PrimaryWithReplica, base_env, manage, postgres_url

pytestmark = pytest.mark.cluster


def _scenario(env, phase):
    result = subprocess.run(
        [sys.executable, "-m", "tests.core.replica_scenario", phase],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_plt8_dashboards_and_exports_read_from_a_real_replica_and_fall_back_to_the_primary(tmp_path):
    postgres_url()  # skip unless the suite runs on PostgreSQL
    pair = PrimaryWithReplica()
    try:
        pair.start()
        name = "fq_ops_cluster_replica"
        createdb = [
            str(PG_BIN / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(pair.primary_port),
            "-U",
            "postgres",
        ]
        subprocess.run([*pair.prefix, *createdb, name], check=True, capture_output=True, timeout=60)
        env = base_env(
            DATABASE_URL=pair.url(pair.primary_port, name),
            DATABASE_REPLICA_URL=pair.url(pair.replica_port, name),
            FUQING_VAR_DIR=tmp_path / "var",
            FUQING_REPLICA_MAX_LAG_SECONDS=30,
            FUQING_DB_CONN_MAX_AGE=0,
        )
        migrated = manage(env, "migrate", "--noinput", "-v0")
        assert migrated.returncode == 0, migrated.stderr[-3000:]

        seen = _scenario(env, "main")
        assert seen["dashboard"][0] == 200 and seen["dashboard"][1] > 0, seen
        assert seen["export"][0] == 200 and seen["export"][1] > 0, seen
        assert seen["not_opted_in"] == [200, 0], seen
        assert seen["probe"]["before"] == "replica" and seen["probe"]["after"] == "default", seen
        assert seen["after_write_same_session"] == [200, 0], seen  # sticky: her write is not replayed yet
        assert seen["other_session"][1] > 0, seen  # another session is not held back
        assert seen["lagging"] == [200, 0], seen  # beyond FUQING_REPLICA_MAX_LAG_SECONDS
        assert seen["after_catch_up_same_session"][1] > 0, seen

        pair.stop_replica()
        down = _scenario(env, "down")
        assert down["dashboard"] == [200, 0] and down["export"] == [200, 0], down
    finally:
        pair.cleanup()
    assert not pair.dir.exists()
