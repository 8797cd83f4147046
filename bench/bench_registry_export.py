"""Exporting 1,000,000 women as a masked ledger (RPT-2): seconds and peak memory (aim < 300 MB), against
a baseline in the same run that writes the same rows straight from a raw cursor (no scoping, no masking,
no groups), so the ratio shows what the platform adds.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fq_registry_bench \
        .venv/bin/python bench/run.py registry_export

The first run fills an empty benchmark database with ``manage.py synth --scale province`` (tree, cadres,
~1M women) and reports how long each step took; later runs reuse it. ``--scale city`` fills a city
(~150k women) instead, for a quicker look.
"""

from __future__ import annotations

import os
import tempfile
import time

from bench.common import emit
from bench.registry_common import guard_database, migrate, peak_mb, reset_peak


def ensure_province(scale: str) -> None:
    import random

    from fuqing.core.synth import SynthContext, steps
    from fuqing.orgs.models import Org
    from fuqing.registry.models import Woman

    if Woman.objects.filter(source="synth").exists():
        return
    if Org.objects.exists():
        raise SystemExit("the benchmark database holds other data: use an empty one for the export benchmark")
    ctx = SynthContext(scale=scale, rng=random.Random(2014))
    for step in steps():
        if step.name not in ("orgs", "users", "women"):
            continue
        started = time.perf_counter()
        step.func(ctx)
        emit(
            scenario=f"synth_{scale}_{step.name}",
            rows=ctx.made.get(step.name),
            seconds=round(time.perf_counter() - started, 1),
        )


def exporter():
    from fuqing.orgs.models import Org, Role, User

    user = User.objects.filter(username="bench_export").first()
    if user is None:
        root = Org.objects.filter(depth=1).exclude(name="基准测试市妇联").order_by("path").first()
        user = User.objects.create(username="bench_export", name="基准导出", org=root)
        user.roles.set(Role.objects.filter(code="leader"))
    return user


def baseline(path: str) -> int:
    """The same rows from a raw cursor into the same writer: what any export costs at minimum."""
    from django.db import connection

    from fuqing.core.ledger import get_ledger, write_xlsx
    from fuqing.registry.models import Woman

    table = Woman._meta.db_table
    sql = (
        f"SELECT w.file_number, w.name, w.id_number_masked, w.birth_year, w.phone_masked, o.name, '',"
        f" w.address, w.household_notes, '', '', w.registered_on, w.status FROM {table} w"
        " JOIN orgs_org o ON o.id = w.org_id ORDER BY o.path, w.name, w.id"
    )
    headers = [c.header for c in get_ledger("women").export_columns()]

    def rows():
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql)
            while batch := cursor.fetchmany(5000):
                yield from (list(r) for r in batch)

    return write_xlsx(path, "妇女档案", headers, rows(), [14] * len(headers))


def run(args) -> None:
    from django.db import connection

    from fuqing.core.ledger import export_to_file, get_ledger

    guard_database()
    migrate()
    ensure_province(getattr(args, "scale", "province") or "province")
    user = exporter()
    ledger = get_ledger("women")
    queryset = ledger.filter(ledger.queryset(user), {"status": "all"})

    reset_peak()
    started, cpu = time.perf_counter(), time.process_time()
    base_path = os.path.join(tempfile.mkdtemp(prefix="fq-bench-"), "baseline.xlsx")
    base_rows = baseline(base_path)
    baseline_seconds = time.perf_counter() - started
    baseline_cpu = time.process_time() - cpu
    baseline_peak = peak_mb()
    os.remove(base_path)

    reset_peak()
    started, cpu = time.perf_counter(), time.process_time()
    path, count = export_to_file(ledger, user, queryset=queryset)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu
    peak = peak_mb()
    size = os.path.getsize(path)
    os.remove(path)
    emit(
        scenario="registry_export_1m",
        engine=connection.vendor,
        rows=count,
        baseline_rows=base_rows,
        seconds=round(seconds, 1),
        baseline_seconds=round(baseline_seconds, 1),
        rows_per_second=round(count / seconds),
        # on a shared machine the wall clock waits for other processes: this process's own CPU time
        cpu_seconds=round(cpu_seconds, 1),
        baseline_cpu_seconds=round(baseline_cpu, 1),
        cpu_rows_per_second=round(count / cpu_seconds),
        peak_mb=peak,
        baseline_peak_mb=baseline_peak,
        aim_peak_mb=300,
        file_mb=round(size / 1024 / 1024, 1),
    )
