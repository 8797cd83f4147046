"""SEC-7 under concurrency: writers in parallel transactions append to one unbroken chain (the head row
is locked while an event is appended, and it exists from the migration on). PostgreSQL only: SQLite has
one writer at a time anyway."""

import threading

import pytest
from django.db import connection, connections

from fuqing.core import audit
from fuqing.core.models import AuditEvent, AuditHead

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_sec7_parallel_writers_keep_one_chain():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    AuditHead.objects.all().delete()  # as after the first migration on a flushed database: no head yet
    barrier = threading.Barrier(4)
    errors = []

    def write(n):
        try:
            barrier.wait()
            for i in range(10):
                audit.record("export", username=f"writer{n}", object_type="test", object_id=str(i))
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, 41))
    checked, problems = audit.verify_chain()
    assert checked == 40 and problems == []
