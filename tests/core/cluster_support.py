"""Starting real processes for the cluster and replica tests: PostgreSQL databases, gunicorn, RQ workers,
a streaming replica. Every helper cleans up what it started (process groups killed by their id)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
REDIS_DB = 5


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("PostgreSQL only: DATABASE_URL does not name a PostgreSQL server")
    return url


def with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def recreate_database(url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return with_database(url, name)


def drop_database(url: str, name: str) -> None:
    import psycopg

    with (
        contextlib.suppress(Exception),
        psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn,
    ):
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**extra) -> dict:
    """The environment of a server or worker: the test run's own settings stripped."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FUQING_", "PYTEST", "DATABASE_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="fuqing.settings",
        PYTHONPATH=str(ROOT),
        FUQING_LOG_LEVEL="WARNING",
        FUQING_ADMIN_TOTP="false",
        FUQING_PASSWORD_MAX_AGE_DAYS="0",
        FUQING_HEALTH_MIN_FREE_MB="1",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(env: dict, *args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return result


def python(env: dict, code: str, timeout: int = 120) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


class Processes:
    """Started in their own process group; stop() kills each group by its id, then waits."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], env: dict) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        proc.log_file = log
        self.procs[name] = proc
        return proc

    def kill_tree(self, name: str) -> None:
        """SIGKILL a process and every descendant, even those that left its group (RQ's work horse calls
        setsid): as when the machine running a worker dies."""
        pids = [self.procs[name].pid]
        family = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                family.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        index = 0
        while index < len(pids):
            pids.extend(family.get(pids[index], []))
            index += 1
        for pid in reversed(pids):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.kill(name)

    def kill(self, name: str, sig=signal.SIGKILL) -> None:
        proc = self.procs[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for name, proc in self.procs.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.kill_tree(name)
            proc.log_file.close()


def wait_until(predicate, timeout: float, every: float = 0.3, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s: {message}")


# --- a private PostgreSQL primary and its streaming replica --------------------------------------------


def _as_postgres() -> list[str]:
    """Run the server binaries as the postgres OS user (they refuse root)."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL as the postgres user")
    return [runuser, "-u", "postgres", "--"]


class PrimaryWithReplica:
    """A throwaway primary (initdb, its own port) and a streaming replica made from it by pg_basebackup.

    The shared server's pg_hba.conf has no replication entry, and copying its whole cluster would copy
    everyone's databases; a private primary is a real primary all the same."""

    def __init__(self):
        for binary in ("initdb", "pg_ctl", "pg_basebackup", "postgres"):
            if not (PG_BIN / binary).exists():
                pytest.skip(f"{PG_BIN / binary} is missing")
        self.prefix = _as_postgres()
        self.dir = Path(tempfile.mkdtemp(prefix="fq_ops_cluster_replica_"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.primary_port, self.replica_port = free_port(), free_port()
        self.primary_dir, self.replica_dir = self.dir / "primary", self.dir / "replica"
        self.started: list[Path] = []

    def _run(self, *argv, timeout=120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.prefix, *map(str, argv)], capture_output=True, text=True, timeout=timeout, check=False
        )

    def _ctl(self, data: Path, action: str) -> subprocess.CompletedProcess:
        return self._run(
            PG_BIN / "pg_ctl", "-D", data, "-l", self.dir / f"{data.name}.log", "-w", "-t", "60", action
        )

    def start(self) -> None:
        result = self._run(
            PG_BIN / "initdb", "-D", self.primary_dir, "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        if result.returncode:
            pytest.skip(f"initdb cannot run here: {result.stderr[-500:]}")
        with open(self.primary_dir / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {self.primary_port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.dir}'\nwal_level = replica\nmax_wal_senders = 4\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 32MB\n"
            )
        with open(self.primary_dir / "pg_hba.conf", "a") as hba:
            hba.write("\nhost replication postgres 127.0.0.1/32 trust\n")
        result = self._ctl(self.primary_dir, "start")
        if result.returncode:
            pytest.skip(f"a private PostgreSQL cannot start here: {result.stderr[-500:]}")
        self.started.append(self.primary_dir)
        result = self._run(
            PG_BIN / "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            self.primary_port,
            "-U",
            "postgres",
            "-D",
            self.replica_dir,
            "-X",
            "stream",
            "-R",
            "-c",
            "fast",
        )
        if result.returncode:
            pytest.skip(f"pg_basebackup cannot run here: {result.stderr[-500:]}")
        with open(self.replica_dir / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {self.replica_port}\nhot_standby = on\n")
        self.start_replica()

    def start_replica(self) -> None:
        result = self._ctl(self.replica_dir, "start")
        assert result.returncode == 0, result.stderr + (self.dir / "replica.log").read_text(errors="replace")
        if self.replica_dir not in self.started:
            self.started.append(self.replica_dir)

    def stop_replica(self) -> None:
        self._ctl(self.replica_dir, "stop")  # -m fast is the default
        if self.replica_dir in self.started:
            self.started.remove(self.replica_dir)

    def url(self, port: int, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{name}"

    def cleanup(self) -> None:
        for data in reversed(self.started):
            self._ctl(data, "stop")
        self.started.clear()
        shutil.rmtree(self.dir, ignore_errors=True)
