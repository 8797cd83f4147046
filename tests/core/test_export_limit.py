"""SEC-8 / issue 10, point 7: the export rate limit holds across processes.

The count lives in the database (``core.limits``), not in one worker's memory: clearing the local cache
between exports — what a second gunicorn worker sees — does not reset it.
"""

from django.core.cache import cache

from fuqing.core import limits
from fuqing.core.models import RateCounter


def test_sec8_the_export_limit_is_shared_by_every_worker_process(tree, daoli, login_as, settings):
    settings.EXPORT_RATE_PER_HOUR = 3
    client = login_as(daoli)
    for _ in range(3):
        cache.clear()  # another worker process: its own local memory, the same database
        assert client.get("/ledgers/orgs/export/").status_code == 200
    cache.clear()
    refused = client.get("/ledgers/orgs/export/")
    assert refused.status_code == 403 and "导出过于频繁" in refused.content.decode()
    assert RateCounter.objects.get(key=f"export:{daoli.pk}").count == 3


def test_sec8_the_limit_is_per_user(tree, daoli, colleague, login_as, settings):
    settings.EXPORT_RATE_PER_HOUR = 1
    assert login_as(daoli).get("/ledgers/orgs/export/").status_code == 200
    assert login_as(colleague).get("/ledgers/orgs/export/").status_code == 200
    assert login_as(daoli).get("/ledgers/orgs/export/").status_code == 403


def test_sec8_a_counter_never_passes_its_limit_and_old_windows_are_dropped(db):
    RateCounter.objects.create(key="k", window=1, count=5)  # an hour long gone
    assert [limits.take("k", 2) for _ in range(4)] == [True, True, False, False]
    assert limits.used("k") == 2 and not RateCounter.objects.filter(window=1).exists()
