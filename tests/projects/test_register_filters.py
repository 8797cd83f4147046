"""Issue 11 point 1: one filter per register — progress, volunteers and households give the same rows on
their list page, in their ledger export and from the API; indicators and targets the same filters in the
API as in ``fuqing.projects.filters``. An id outside the caller's scope empties the page and the export
and is 404 in the API (never a wider list, never the foreign unit's name); a bad value is refused with a
Chinese message naming the field."""

from __future__ import annotations

import datetime
import json

from django.urls import reverse

from fuqing.core.ledger import get_ledger
from fuqing.projects import services
from fuqing.projects.filters import IndicatorFilter, TargetFilter
from fuqing.projects.models import Indicator, Target, Unit
from tests.api.conftest import token_for
from tests.conftest import login

OLD = [{"name": "王桂芝", "birth_year": 1936}]
MAY, JUNE = datetime.date(2014, 5, 1), datetime.date(2014, 6, 1)


def _api(client, user, path: str, params: dict):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}
    return client.get(f"/api/v1{path}", params, **headers)


def _api_ids(client, user, path: str, params: dict) -> set[str]:
    response = _api(client, user, path, params)
    assert response.status_code == 200, response.content
    return {str(item["id"]) for item in response.json()["items"]}


def _page(client, user, url: str, params: dict):
    login(client, user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def _page_ids(client, user, url: str, params: dict) -> set[str]:
    return {str(o.pk) for o in _page(client, user, url, params).context["page"].object_list}


def _ledger_ids(name: str, user, params: dict) -> set[str]:
    ledger = get_ledger(name)
    return {str(o.pk) for o in ledger.filter(ledger.queryset(user), params)}


def _same_rows(client, user, *, path: str, url: str, ledger: str, params: dict, **api_extra) -> set[str]:
    api_rows = _api_ids(client, user, path, {**params, **api_extra})
    assert _ledger_ids(ledger, user, params) == api_rows
    assert _page_ids(client, user, url, params) == api_rows
    return api_rows


def _foreign_refused(
    client, user, *, path: str, url: str, ledger: str | None, field: str, value, hidden: str
):
    """An id outside the scope: 404 naming the field in the API, an empty page and export, and the
    foreign object's name shown nowhere."""
    refused = _api(client, user, path, {field: value})
    body = json.dumps(refused.json(), ensure_ascii=False)
    assert refused.status_code == 404 and field in refused.json()["errors"], body
    assert "不在您的数据范围内" in body and hidden not in body
    if ledger:
        assert _ledger_ids(ledger, user, {field: value}) == set()
    if url:
        page = _page(client, user, url, {field: value})
        assert list(page.context["page"].object_list) == []
        html = page.content.decode()
        assert "以下筛选条件未采用" in html and "不存在或不在您的数据范围内" in html and hidden not in html


def _bad_value(client, user, *, path: str, url: str | None, field: str, value, label: str, api_label=None):
    """A value the filter's form refuses: 422 naming the field in Chinese, and on the page ignored with
    a note naming it by its label."""
    refused = _api(client, user, path, {field: value})
    assert refused.status_code == 422 and field in refused.json()["errors"]
    assert f"{api_label or label}（{field}）：" in refused.json()["detail"]
    if url:
        html = _page(client, user, url, {field: value}).content.decode()
        assert f"{label}：" in html  # the page ignores it and says so, naming the field


def _report(user, indicator, org, month, value, reason=""):
    return services.report_progress(
        user, indicator=indicator, org=org, month=month, value=value, reason=reason
    )


def _foreign_project(tree, campaign):
    project = services.create_project(None, org=tree.b, campaign=campaign, name="南岗区自有项目")
    return project, services.add_indicator(None, project, name="南岗区岗位", unit=Unit.ITEM, target=10)


def test_progress_page_ledger_and_api_give_the_same_rows(client, tree, jobs, daoli, city_leader):
    training = services.add_indicator(None, jobs.project, name="技能培训", unit=Unit.PERSON, target=100)
    _report(daoli, jobs, tree.a, MAY, 120)
    _report(daoli, jobs, tree.a, MAY, 150, "漏报了友谊社区的岗位")  # a correction: two entries
    _report(daoli, jobs, tree.a1, JUNE, 30)
    _report(daoli, training, tree.a1, MAY, 40)
    _report(city_leader, jobs, tree.b, MAY, 90)  # another district: never in daoli's rows
    params = {"year": 2014, "indicator": jobs.pk, "org": tree.a.pk}
    rows = _same_rows(
        client,
        daoli,
        path="/progress/",
        url=reverse("projects:progress"),
        ledger="progress",
        params=params,
        history="true",  # the page shows corrected values too
    )
    assert len(rows) == 3
    assert len(_api_ids(client, daoli, "/progress/", params)) == 2  # without history: current values
    narrowed = {**params, "org": tree.a1.pk, "q": "岗位"}
    assert (
        len(
            _same_rows(
                client,
                daoli,
                path="/progress/",
                url=reverse("projects:progress"),
                ledger="progress",
                params=narrowed,
                history="true",
            )
        )
        == 1
    )
    corrections = {**params, "corrections": "1"}
    assert (
        len(
            _same_rows(
                client,
                daoli,
                path="/progress/",
                url=reverse("projects:progress"),
                ledger="progress",
                params=corrections,
            )
        )
        == 2
    )


def test_progress_ids_outside_the_scope_leak_nothing(client, tree, campaign, jobs, daoli, city_leader):
    _project, foreign = _foreign_project(tree, campaign)
    _report(daoli, jobs, tree.a, MAY, 120)
    _report(city_leader, foreign, tree.b, MAY, 5)
    where = {"path": "/progress/", "url": reverse("projects:progress"), "ledger": "progress"}
    _foreign_refused(client, daoli, **where, field="org", value=tree.b.pk, hidden="南岗区妇联")
    _foreign_refused(client, daoli, **where, field="indicator", value=foreign.pk, hidden="南岗区岗位")
    _bad_value(client, daoli, path="/progress/", url=where["url"], field="year", value="1900", label="年度")


def test_volunteers_page_ledger_and_api_give_the_same_rows(client, tree, daoli, nangang):
    for org, name, notes in (
        (tree.a, "刘春梅", "退休教师"),
        (tree.a1, "王丽", "退休医生"),
        (tree.a1, "赵敏", ""),
    ):
        services.register_volunteer(daoli, org=org, name=name, notes=notes)
    services.register_volunteer(nangang, org=tree.b, name="孙红", notes="退休教师")
    where = {"path": "/volunteers/", "url": reverse("projects:volunteers"), "ledger": "volunteers"}
    assert len(_same_rows(client, daoli, **where, params={"q": "退休"})) == 2
    assert len(_same_rows(client, daoli, **where, params={"org": tree.a1.pk})) == 2
    assert len(_same_rows(client, daoli, **where, params={"org": tree.a1.pk, "q": "退休"})) == 1
    _foreign_refused(client, daoli, **where, field="org", value=tree.b.pk, hidden="南岗区妇联")
    _bad_value(
        client,
        daoli,
        path=where["path"],
        url=where["url"],
        field="org",
        value="0",
        label="单位及其下级",
        api_label="组织",
    )


def test_households_page_ledger_and_api_give_the_same_rows(client, tree, sunset, daoli, nangang):
    first = services.add_household(daoli, org=tree.a1a, address="友谊路12号", notes="独居", elders=OLD)
    services.add_household(daoli, org=tree.a1a, address="友谊路14号", notes="独居", elders=OLD)
    services.add_household(daoli, org=tree.a, address="经纬街3号", elders=OLD)
    services.add_household(nangang, org=tree.b1, address="花园街5号", notes="独居", elders=OLD)
    volunteer = services.register_volunteer(daoli, org=tree.a1a, name="刘春梅")
    services.pair(daoli, project=sunset["project"], volunteer=volunteer, household=first, started_on=MAY)
    where = {"path": "/households/", "url": reverse("projects:households"), "ledger": "households"}
    assert len(_same_rows(client, daoli, **where, params={"q": "独居"})) == 2
    assert len(_same_rows(client, daoli, **where, params={"q": "独居", "unpaired": "1"})) == 1
    assert len(_same_rows(client, daoli, **where, params={"org": tree.a1.pk})) == 2
    _foreign_refused(client, daoli, **where, field="org", value=tree.b1.pk, hidden="花园街道")
    _bad_value(
        client,
        daoli,
        path=where["path"],
        url=where["url"],
        field="org",
        value="x",
        label="单位及其下级",
        api_label="组织",
    )


def test_indicators_api_takes_the_register_filter(client, tree, campaign, jobs, relief, daoli):
    _project, foreign = _foreign_project(tree, campaign)
    params = {"year": 2014, "project": relief["project"].pk, "q": "资金"}
    rows = _api_ids(client, daoli, "/indicators/", params)
    direct = IndicatorFilter(params, daoli).apply(Indicator.objects.visible_to(daoli))
    assert rows == {str(i.pk) for i in direct} == {str(relief["money"].pk)}
    _foreign_refused(
        client,
        daoli,
        path="/indicators/",
        url=None,
        ledger=None,
        field="project",
        value=foreign.project_id,
        hidden="南岗区自有项目",
    )
    _bad_value(client, daoli, path="/indicators/", url=None, field="year", value="abc", label="年度")


def test_targets_api_takes_the_register_filter(client, tree, jobs, daoli, city_leader):
    services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1800, tree.b.pk: 1200}, issue=True)
    services.save_split(daoli, jobs, tree.a, {tree.a1.pk: 1000})
    params = {"year": 2014, "indicator": jobs.pk, "org": tree.a.pk}
    rows = _api_ids(client, daoli, "/targets/", params)
    direct = TargetFilter(params, daoli).apply(Target.objects.visible_to(daoli))
    assert rows == {str(t.pk) for t in direct} and len(rows) == 2  # 道里区 and 新阳路街道
    assert len(_api_ids(client, daoli, "/targets/", {**params, "org": tree.a1.pk})) == 1
    _foreign_refused(
        client,
        daoli,
        path="/targets/",
        url=None,
        ledger=None,
        field="org",
        value=tree.other.pk,
        hidden="齐齐哈尔市妇联",
    )
    _bad_value(client, daoli, path="/targets/", url=None, field="indicator", value="0", label="指标")
