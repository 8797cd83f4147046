"""PLT-3, issue 10 point 4: an API write that answers 4xx leaves the database as it was.

Reports: a foreign visit or need answers 422 and the report is not created, the title not changed
(the service wrote first and checked the evidence after). Every other write operation: a request the
view refuses (ids that do not exist, or are not the caller's), after a first write made inside the
view — the write is undone along with everything else the request did.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.apps import apps
from django.db import connection

from fuqing.api.api import api
from fuqing.orgs.models import Org
from fuqing.research.models import Report
from tests.api.conftest import sample, token_for
from tests.research.conftest import SECTIONS, YEAR
from tests.research.conftest import new_report as new_report_fixture

new_report = new_report_fixture  # the research fixture, used here too

pytestmark = pytest.mark.filterwarnings("ignore")


def test_plt3_a_report_with_a_foreign_visit_is_not_created(call, tree, daoli, nangang):
    from tests.scoped_factories.fieldwork import make_visit

    foreign = make_visit(tree.b, "南岗区的走访", nangang)
    body = {"org": tree.a.pk, "year": YEAR, "title": "报告", **SECTIONS, "visits": [str(foreign.pk)]}
    response = call(daoli, "post", "/reports/", body)
    assert response.status_code == 422 and "visits" in response.json()["errors"]
    assert not Report.objects.exists()


def test_plt3_a_report_patch_with_a_foreign_need_changes_nothing(call, tree, daoli, new_report):
    report = new_report(daoli, tree.a)
    events = report.events.count()
    response = call(
        daoli, "patch", f"/reports/{report.pk}/", {"title": "改过的标题", "needs": [str(uuid.uuid4())]}
    )
    assert response.status_code == 422 and "needs" in response.json()["errors"]
    report.refresh_from_db()
    assert report.title == "关于失地妇女就业情况的调研报告" and report.events.count() == events


# --- every write operation ----------------------------------------------------------------------


# Not refusable writes: the token operation keeps failed attempts on purpose (lockout, audit; see the
# last test), revoking with a valid token cannot fail, and the women's search is a read sent as POST so
# that names stay out of the URL.
NOT_REFUSABLE = {
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/revoke"),
    ("POST", "/api/v1/women/search/"),
}


def write_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("post", "patch", "put", "delete")
    )


class FirstWrite:
    """At the first query inside the view's transaction, rename an organisation: a write that happened
    before the view refused. (Queries outside it — the token lookup, the audit record of a denial
    written by the exception handler — are the request's own and are not what the view wrote.)"""

    def __init__(self, org: Org):
        self.org, self.done, self.busy = org, False, False
        self.depth = len(connection.atomic_blocks)

    def __call__(self, execute, sql, params, many, context):
        inside = len(connection.atomic_blocks) > self.depth
        if inside and not self.done and not self.busy:
            self.busy = True
            Org.objects.filter(pk=self.org.pk).update(name="写了一半")
            self.done, self.busy = True, False
        return execute(sql, params, many, context)


def snapshot() -> dict:
    """Rows of every model — the audit records of denials aside: a refusal is recorded on purpose, by
    the exception handler after the view's transaction was rolled back (SEC-7)."""
    from fuqing.core.models import AuditAction, AuditEvent

    counts = {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in ("sessions", "contenttypes")
    }
    counts["core.AuditEvent"] = AuditEvent.objects.exclude(action=AuditAction.DENIED).count()
    return counts


@pytest.mark.parametrize(("method", "path"), sorted(set(write_operations()) - NOT_REFUSABLE))
def test_plt3_every_api_write_that_answers_4xx_changes_nothing(client, tree, city_leader, method, path):
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    components = schema["components"]["schemas"]
    operation = schema["paths"][path][method.lower()]
    url = path
    for param in operation.get("parameters", []):
        if param["in"] == "path":
            value = sample(param["schema"], components)
            url = url.replace("{" + param["name"] + "}", str(value))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(city_leader)}"}
    content = operation.get("requestBody", {}).get("content", {})
    before = snapshot()
    name = tree.other.name
    write = FirstWrite(tree.other)
    with connection.execute_wrapper(write):
        if "multipart/form-data" in content:
            form = sample(content["multipart/form-data"]["schema"], components)
            form = {k: v for k, v in form.items() if v is not None}
            response = (
                client.generic(method, url, **headers) if not form else client.post(url, form, **headers)
            )
        else:
            body = sample(content["application/json"]["schema"], components) if content else {}
            response = client.generic(
                method, url, __import__("json").dumps(body), "application/json", **headers
            )
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    tree.other.refresh_from_db()
    assert tree.other.name == name, "the write made before the refusal was kept"
    after = snapshot()
    assert {k: v for k, v in after.items() if v != before[k]} == {}


def test_plt3_the_token_endpoint_is_the_one_write_kept_on_refusal():
    """Failed logins are counted (lockout) and audited: the token operation keeps what it wrote."""
    from django.urls import resolve

    for method, path in write_operations():
        pathview = resolve(path).func.__closure__[0].cell_contents
        for op in pathview.operations:
            if method in op.methods:
                wrapped = getattr(op.view_func, "all_or_nothing", False)
                assert wrapped == (path != "/api/v1/auth/token"), path


def test_plt3_the_sample_dates_lie_in_a_campaign_year():
    assert datetime.date.fromisoformat(sample({"type": "string", "format": "date"}, {})).year == 2014
