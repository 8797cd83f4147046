"""Pages through a real server: gunicorn as ``make run`` starts it (2 workers × 4 threads), signed-in
sessions made directly in the session store, one request at a time (median latency) and 16 clients at
once (requests per second). Every figure comes with the same measure of the bare page
(``bench/urls.py``), taken in the same run, so ratios survive a noisy, shared machine."""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(workers: int = 2, threads: int = 4, root: Path = ROOT):
    """gunicorn on the bench settings (of the code at ``root``); yields its port; stopped (by its own pid)
    on exit."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "FUQING_VAR_DIR": str(settings_var_dir()),
    }
    command = [
        PYTHON, "-m", "gunicorn", "fuqing.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--threads", str(threads), "--timeout", "120", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=root, env=env)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _body = get(port, "/__bench__/bare")
                if status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def settings_var_dir():
    from django.conf import settings

    return settings.VAR_DIR


def session_cookie(user) -> str:
    """A signed-in session for ``user`` (as the login view leaves it), without the login form."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    from fuqing.core.middleware import LOGIN_AT, SEEN_AT

    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[LOGIN_AT] = time.time()
    store[SEEN_AT] = time.time()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def get(port: int, path: str, cookie: str = "", conn=None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Cookie": cookie} if cookie else {}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    if own:
        conn.close()
    return response.status, body


def latency(port: int, path: str, cookie: str = "", repeat: int = 7) -> float:
    """Median seconds of one request at a time (after one warm-up request)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    status, _ = get(port, path, cookie, conn)
    if status != 200:
        raise RuntimeError(f"{path}: HTTP {status}")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        get(port, path, cookie, conn)
        times.append(time.perf_counter() - started)
    conn.close()
    return statistics.median(times)


def throughput(port: int, path: str, cookie: str = "", clients: int = 16, seconds: float = 8.0) -> float:
    """Requests per second with ``clients`` keep-alive clients asking as fast as answered."""
    done = [0] * clients
    errors = [0] * clients
    stop = time.perf_counter() + seconds

    def client(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.perf_counter() < stop:
            try:
                status, _ = get(port, path, cookie, conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                errors[i] += 1
                continue
            if status == 200:
                done[i] += 1
            else:
                errors[i] += 1
        conn.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    if sum(errors):
        raise RuntimeError(f"{path}: {sum(errors)} failed requests")
    return sum(done) / elapsed


def burst(port: int, path: str, cookie: str = "", clients: int = 16) -> float:
    """Seconds until ``clients`` simultaneous first requests of ``path`` are all answered (a cold cache:
    do they all compute, or one?)."""
    barrier = threading.Barrier(clients)
    failures = []

    def client():
        barrier.wait()
        try:
            status, _ = get(port, path, cookie)
            if status != 200:
                failures.append(status)
        except (OSError, http.client.HTTPException) as exc:
            failures.append(exc)

    started = time.perf_counter()
    workers = [threading.Thread(target=client) for _ in range(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if failures:
        raise RuntimeError(f"{path}: {failures[:3]}")
    return time.perf_counter() - started
