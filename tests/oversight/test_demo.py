"""The demo's 2014 scheme reflects the notice (issue 13 point 1) and every oversight page opens on it."""

from __future__ import annotations

import pytest

from fuqing.orgs.models import User
from fuqing.oversight.models import GoodCase, Item, ResultSheet, Scheme


@pytest.fixture
def demo(db):
    from fuqing.core.loaders import load_all_demo

    return load_all_demo("Demo@2014pass")


def test_sup1_the_demo_scheme_of_2014_reflects_the_notice_and_is_published(demo, client):
    scheme = Scheme.objects.get(year=2014)
    items = {i.name: i for i in Item.objects.filter(scheme=scheme)}
    assert sum(i.weight for i in items.values()) == 100
    assert items["领导干部下基层调研时间"].figure_key == "oversight.leader_days_rate"
    assert items["组织领导与宣传推广"].kind == "inspected"
    assert scheme.is_published
    districts = ResultSheet.objects.filter(scheme=scheme, level="district")
    assert districts.count() == 18 and districts.filter(rank=1).exists()
    assert ResultSheet.objects.filter(scheme=scheme, level="street").exists()
    assert GoodCase.objects.filter(status="promoted").count() == 1

    chair = User.objects.get(username="city")
    client.force_login(chair)
    for url in [
        "/oversight/",
        f"/oversight/schemes/{scheme.pk}/",
        "/oversight/ranking/?year=2014",
        "/oversight/ranking/?year=2014&level=street",
        "/oversight/cadres/?year=2014",
        "/oversight/recommendations/?year=2014",
        "/oversight/cases/?year=2014",
        "/oversight/publicity/?year=2014",
        "/oversight/practices/?year=2014",
        "/oversight/cases/add/",
        "/oversight/publicity/add/",
        "/oversight/practices/add/",
        "/oversight/schemes/add/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    sheet = districts.get(rank=1)
    page = client.get(f"/oversight/sheets/{scheme.pk}/{sheet.unit_id}/").content.decode()
    assert "暂无数据" in page and "已公布" in page
