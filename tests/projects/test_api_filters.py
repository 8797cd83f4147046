"""Issue 11 point 1: the beneficiaries' one filter — the list page, the ledger export and the API give the
same rows for the same filters (a woman's name only on the page, never in an API query string)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from fuqing.core.ledger import get_ledger
from fuqing.projects import services
from tests.api.conftest import token_for
from tests.conftest import login

DAY = datetime.date(2014, 5, 12)


def test_beneficiaries_page_ledger_and_api_give_the_same_rows(client, tree, relief, women, daoli):
    for woman, kind in ((women[0], "泥草房改建"), (women[1], "生活救助"), (women[2], "泥草房改建")):
        services.record_beneficiary(
            daoli, project=relief["project"], woman=woman, org=tree.a1, received_on=DAY, help_kind=kind
        )
    params = {"year": 2014, "project": relief["project"].pk, "q": "泥草房"}
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(daoli)}"}
    body = client.get("/api/v1/beneficiaries/", params, **headers).json()
    api_rows = {item["id"] for item in body["items"]}
    assert len(api_rows) == 2 and all("*" in item["woman_name"] for item in body["items"])
    ledger = get_ledger("beneficiaries")
    assert {str(b.pk) for b in ledger.filter(ledger.queryset(daoli), params)} == api_rows
    login(client, daoli)
    page = client.get(reverse("projects:beneficiaries"), params, follow=True)  # q moves out of the URL
    assert {str(b.pk) for b in page.context["page"].object_list} == api_rows
    # a value the page's form refuses is refused by the API too, naming the field
    refused = client.get("/api/v1/beneficiaries/", {"project": 0}, **headers)
    assert refused.status_code == 422 and "project" in refused.json()["errors"]
