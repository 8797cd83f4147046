import pytest
from tests.core.test_access_matrix import *  # noqa
from fuqing.core.models import Job

@pytest.mark.parametrize("route", IMPORTS, ids=[r.key for r in IMPORTS])
def test_dbg(route, tree, cast, client):
    test_sec2_ledger_import_of_another_districts_rows_writes_nothing.__wrapped__(route, tree, cast, client) if hasattr(test_sec2_ledger_import_of_another_districts_rows_writes_nothing, "__wrapped__") else test_sec2_ledger_import_of_another_districts_rows_writes_nothing(route, tree, cast, client)
    job = Job.objects.order_by("-created_at").first()
    print("\nJOB", route.key, job.status, str(job.result)[:300], str(getattr(job, "error", ""))[:200])
