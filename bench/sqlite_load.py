"""Issue 10, point 11: a big ledger import on SQLite beside concurrent requests to a live server.

Shared by ``bench/bench_sqlite_load.py`` (60,000 rows beside 50 concurrent requests) and the bounded test
``tests/core/test_sqlite_load.py``. A real server (gunicorn, 2 workers × 8 threads) and the import command
run as separate processes on one SQLite file, as in an embedded install; meanwhile

* 50 client threads request pages with a session that is saved on every request (a write each), and
* a probe writes one row every 0.2 s with a short busy timeout: it measures how long the import keeps
  other writers waiting.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HEADER = ["序号", "姓名", "身份证号", "电话", "所属社区"]
PAGES = ["/", "/registry/", "/jobs/", "/registry/?status=all"]


def write_women(path: str, rows: int, id_numbers) -> str:
    """A valid women's ledger of ``rows`` rows (ID numbers from the ``id_numbers`` iterator)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    for n in range(1, rows + 1):
        sheet.write_row(n, 0, [n, "王" + "一二三四五六七八九十"[n % 10] + "丽", next(id_numbers), "", ""])
    book.close()
    return path


def environment(var_dir: str, secret_key: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="fuqing.settings",
        FUQING_VAR_DIR=var_dir,
        FUQING_SECRET_KEY=secret_key,
        FUQING_SESSION_REFRESH_SECONDS="0",  # every request saves its session: a write per request
        FUQING_TASKS_BACKEND="immediate",
        PYTHONPATH=str(ROOT),
    )
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_database(source, target: Path) -> None:
    """Copy an open sqlite3 database (the test's in-memory one) to a file in WAL mode, as installed."""
    copy = sqlite3.connect(target)
    source.backup(copy)
    copy.execute("PRAGMA journal_mode=WAL")
    copy.close()


def serve(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [PYTHON, "-m", "gunicorn", "fuqing.wsgi:application", "-b", f"127.0.0.1:{port}"]
    command += ["-w", "2", "--threads", "8", "--timeout", "120", "--log-level", "warning"]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/login/", timeout=5)  # noqa: S310 - our own local server
            return server, base
        except (urllib.error.URLError, ConnectionError, OSError):
            if server.poll() is not None:
                raise RuntimeError(server.stderr.read().decode()[-2000:]) from None
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("the server did not start")


@dataclass
class Load:
    statuses: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    probe_waits: list[float] = field(default_factory=list)
    probe_failures: list[str] = field(default_factory=list)
    import_seconds: float = 0.0
    import_output: str = ""
    import_returncode: int | None = None

    @property
    def server_errors(self) -> list[int]:
        return [s for s in self.statuses if s >= 500]


def _request(base: str, path: str, cookie: str) -> tuple[int, float]:
    request = urllib.request.Request(base + path, headers={"Cookie": f"sessionid={cookie}"})  # noqa: S310
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - our own local server
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError):
        status = 599  # no answer at all counts as a server error
    return status, time.monotonic() - started


def _probe(db_path: str, stop: threading.Event, load: Load, timeout: float) -> None:
    db = sqlite3.connect(db_path, timeout=timeout, isolation_level=None)
    db.execute("CREATE TABLE IF NOT EXISTS load_probe (at REAL)")
    while not stop.is_set():
        started = time.monotonic()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO load_probe VALUES (?)", [started])
            db.execute("COMMIT")
            load.probe_waits.append(time.monotonic() - started)
        except sqlite3.OperationalError as exc:
            load.probe_failures.append(f"{exc} after {time.monotonic() - started:.1f}s")
        time.sleep(0.2)
    db.close()


def run(
    env: dict,
    base: str,
    ledger_path: str,
    org_code: str,
    username: str,
    cookies: list[str],
    concurrency: int = 50,
    probe_timeout: float = 2.0,
    think: float = 0.5,
) -> Load:
    """Import ``ledger_path`` with the command while ``concurrency`` clients keep requesting pages."""
    load = Load()
    stop = threading.Event()
    db_path = str(Path(env["FUQING_VAR_DIR"]) / "fuqing.sqlite3")
    probe = threading.Thread(target=_probe, args=(db_path, stop, load, probe_timeout), daemon=True)
    command = [
        PYTHON,
        "manage.py",
        "import_ledger",
        "women",
        ledger_path,
        "--org",
        org_code,
        "--user",
        username,
    ]
    output = Path(env["FUQING_VAR_DIR"]) / "import.log"
    started = time.monotonic()
    with open(output, "wb") as log:
        importer = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    probe.start()

    def client(n: int) -> None:
        i = n
        while importer.poll() is None:
            status, seconds = _request(base, PAGES[i % len(PAGES)], cookies[i % len(cookies)])
            load.statuses.append(status)
            load.latencies.append(seconds)
            i += 1
            time.sleep(think)  # a person reads the page before the next click

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(client, range(concurrency)))
    importer.wait()
    load.import_seconds = time.monotonic() - started
    load.import_returncode = importer.returncode
    load.import_output = output.read_bytes().decode(errors="replace")[-3000:]
    stop.set()
    probe.join(timeout=probe_timeout + 5)
    return load
