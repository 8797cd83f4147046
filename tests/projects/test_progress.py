"""PRJ-3: monthly progress with recorded corrections; cumulative value, completion rate, expected
value, status, rolled up the tree; computed indicators are not typed twice."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fuqing.projects import metrics, services
from fuqing.projects.models import Indicator, ProgressEntry
from tests.projects.conftest import make_woman

MAY, JUNE = datetime.date(2014, 5, 1), datetime.date(2014, 6, 1)


def _report(user, indicator, org, month, value, reason=""):
    return services.report_progress(
        user, indicator=indicator, org=org, month=month, value=value, reason=reason
    )


def _figure(indicator, org, on=datetime.date(2014, 12, 31)):
    indicator = Indicator.objects.select_related("project", "project__campaign", "project__org").get(
        pk=indicator.pk
    )
    return metrics.figures([indicator], [org], on)[(indicator.pk, org.pk)]


# --- reporting and corrections ---------------------------------------------------------------------


def test_prj3_a_unit_reports_a_months_value(tree, jobs, daoli):
    result = _report(daoli, jobs, tree.a, MAY, "120")
    assert result.entry.value == Decimal(120) and result.entry.entered_by == daoli
    assert result.corrected is None


def test_prj3_a_correction_needs_a_reason_and_keeps_the_old_value(tree, jobs, daoli, colleague):
    first = _report(daoli, jobs, tree.a, MAY, 120).entry
    with pytest.raises(ValidationError) as exc:
        _report(colleague, jobs, tree.a, MAY, 150)
    assert "2014-05已填报 120，更正数值须填写更正原因" in exc.value.message_dict["reason"][0]
    result = _report(colleague, jobs, tree.a, MAY, 150, "漏报了友谊社区的岗位")
    first.refresh_from_db()
    assert (
        first.value == Decimal(120)
        and first.superseded_at is not None
        and first.superseded_by == result.entry
    )
    history = list(services.history(jobs, tree.a, MAY))
    assert [(e.value, e.entered_by, e.reason) for e in history] == [
        (Decimal(150), colleague, "漏报了友谊社区的岗位"),
        (Decimal(120), daoli, ""),
    ]
    assert _figure(jobs, tree.a).value == Decimal(150)  # the current value counts, once


def test_prj3_the_same_value_again_changes_nothing(tree, jobs, daoli):
    _report(daoli, jobs, tree.a, MAY, 120)
    again = _report(daoli, jobs, tree.a, MAY, "120.00")
    assert again.unchanged and ProgressEntry.objects.count() == 1


def test_prj3_computed_indicators_are_not_typed(tree, relief, daoli):
    with pytest.raises(ValidationError) as exc:
        _report(daoli, relief["housing"], tree.a, MAY, 3)
    assert "由受益人记录计算，不需要也不能手工填报" in exc.value.message_dict["indicator"][0]


@pytest.mark.parametrize(
    ("month", "message"),
    [
        (datetime.date(2015, 1, 1), "月份应在项目年度（2014年）内"),
        (datetime.date(2099, 1, 1), "月份应在项目年度"),
    ],
)
def test_prj3_months_belong_to_the_projects_year(tree, jobs, daoli, month, message):
    with pytest.raises(ValidationError) as exc:
        _report(daoli, jobs, tree.a, month, 1)
    assert message in exc.value.message_dict["month"][0]


def test_prj3_values_are_non_negative_numbers(tree, jobs, daoli):
    with pytest.raises(ValidationError) as exc:
        _report(daoli, jobs, tree.a, MAY, -3)
    assert "本月完成数不能小于 0" in exc.value.message_dict["value"][0]


def test_prj3_a_unit_reports_only_inside_its_scope(tree, jobs, daoli, nangang):
    with pytest.raises(PermissionDenied):
        _report(nangang, jobs, tree.a, MAY, 1)
    with pytest.raises(PermissionDenied):
        _report(daoli, jobs, tree.city, MAY, 1)


def test_prj3_the_monthly_form_saves_all_or_nothing(tree, jobs, project, daoli):
    training = services.add_indicator(None, project, name="就业技能培训", unit="person_time", target=1000)
    with pytest.raises(ValidationError) as exc:
        services.report_month(
            daoli,
            org=tree.a,
            month=MAY,
            rows=[{"indicator": jobs, "value": "10"}, {"indicator": training, "value": "十"}],
        )
    assert "就业技能培训：本月完成数应为数字" in exc.value.messages[0]
    assert not ProgressEntry.objects.exists()


def test_prj3_the_monthly_form_page_reports_and_corrects(tree, jobs, daoli, login_as):
    client = login_as(daoli)
    url = f"/projects/report/?org={tree.a.pk}&month=2014-05"
    page = client.get(url).content.decode()
    assert "提供就业岗位" in page and 'inputmode="decimal"' in page
    response = client.post(url, {"org": tree.a.pk, "month": "2014-05", f"value_{jobs.pk}": "80"}, follow=True)
    assert "已保存 1 项（其中更正 0 项）" in response.content.decode()
    response = client.post(url, {"org": tree.a.pk, "month": "2014-05", f"value_{jobs.pk}": "90"})
    assert "更正数值须填写更正原因" in response.content.decode()
    client.post(
        url, {"org": tree.a.pk, "month": "2014-05", f"value_{jobs.pk}": "90", f"reason_{jobs.pk}": "补报"}
    )
    assert ProgressEntry.objects.filter(indicator=jobs).count() == 2
    history_page = client.get("/projects/progress/?corrections=1").content.decode()
    assert "补报" in history_page and "已被更正" in history_page


def test_prj3_a_cadre_cannot_report_for_a_unit_outside_her_scope_on_the_page(tree, jobs, nangang, login_as):
    response = login_as(nangang).get(f"/projects/report/?org={tree.a.pk}")
    assert response.status_code == 404  # outside the scope: not found (SEC-2), not "forbidden"


# --- roll-up ---------------------------------------------------------------------------------------


def test_prj3_a_districts_value_is_its_own_reports_plus_its_townships_and_communities(
    tree, jobs, daoli, city_leader, nangang
):
    _report(daoli, jobs, tree.a, MAY, 100)
    _report(daoli, jobs, tree.a1, MAY, 40)
    _report(daoli, jobs, tree.a1a, JUNE, 7)
    _report(nangang, jobs, tree.b, MAY, 500)
    indicator = Indicator.objects.select_related("project", "project__campaign", "project__org").get(
        pk=jobs.pk
    )
    figures = metrics.figures([indicator], [tree.city, tree.a, tree.a1, tree.b], datetime.date(2014, 12, 31))
    values = {org: figures[(jobs.pk, org.pk)].value for org in (tree.city, tree.a, tree.a1, tree.b)}
    assert values == {tree.city: 647, tree.a: 147, tree.a1: 47, tree.b: 500}


def test_prj3_the_roll_up_is_one_group_by_per_depth_whatever_the_rows(
    tree, jobs, relief, sunset, daoli, django_assert_max_num_queries
):
    for month in range(4, 9):
        _report(daoli, jobs, tree.a1, datetime.date(2014, month, 1), 10)
        _report(daoli, jobs, tree.a1a, datetime.date(2014, month, 1), 5)
    indicators = list(Indicator.objects.select_related("project", "project__campaign", "project__org"))
    units = [tree.city, tree.a, tree.b, tree.a1]
    # reported: 1 per depth (3), beneficiaries: 2 per depth (6), pairs: 1 per depth (3), targets: 1
    with django_assert_max_num_queries(13):
        figures = metrics.figures(indicators, units, datetime.date(2014, 12, 31))
    assert figures[(jobs.pk, tree.a.pk)].value == Decimal(75)


def test_prj3_completion_rate_expected_value_and_status_at_a_date(tree, jobs, city_leader, daoli):
    services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1530, tree.b.pk: 1470}, issue=True)
    _report(daoli, jobs, tree.a, MAY, 300)
    # 2014-05-31: day 61 of the 153-day campaign → expected 1530 × 61/153 = 610
    figure = _figure(jobs, tree.a, datetime.date(2014, 5, 31))
    assert figure.expected == Decimal("610.00")
    assert figure.rate == pytest.approx(300 / 1530)
    assert figure.status == metrics.Status.AT_RISK  # 300 / 610 < 0.7
    _report(daoli, jobs, tree.a, MAY, 580, "补报")
    assert _figure(jobs, tree.a, datetime.date(2014, 5, 31)).status == metrics.Status.ON_TRACK  # ≥ 0.9
    _report(daoli, jobs, tree.a, MAY, 500, "核减")
    assert _figure(jobs, tree.a, datetime.date(2014, 5, 31)).status == metrics.Status.BEHIND
    assert _figure(jobs, tree.b, datetime.date(2014, 5, 31)).value == 0


def test_prj3_thresholds_are_configurable(tree, jobs, daoli, settings):
    services.save_split(None, jobs, tree.city, {tree.a.pk: 100, tree.b.pk: 2900}, issue=True)
    _report(daoli, jobs, tree.a, MAY, 32)  # expected 39.87 at May 31 → pace 0.8
    assert _figure(jobs, tree.a, datetime.date(2014, 5, 31)).status == metrics.Status.BEHIND
    settings.PROJECT_STATUS_THRESHOLDS = (0.75, 0.5)
    assert _figure(jobs, tree.a, datetime.date(2014, 5, 31)).status == metrics.Status.ON_TRACK


def test_prj3_a_past_year_is_shown_at_its_end_so_the_whole_target_is_expected(campaign):
    assert metrics.view_date(campaign, datetime.date(2025, 3, 1)) == datetime.date(2014, 12, 31)
    assert metrics.view_date(campaign, datetime.date(2014, 6, 15)) == datetime.date(2014, 6, 15)
    assert metrics.view_date(campaign, datetime.date(2013, 6, 15)) == datetime.date(2014, 1, 1)
    assert metrics.view_date(
        campaign, datetime.date(2025, 3, 1), datetime.date(2014, 6, 30)
    ) == datetime.date(2014, 6, 30)


def test_prj3_expected_is_linear_over_the_campaign_unless_a_profile_is_set(campaign, jobs):
    assert metrics.expected_share(jobs, campaign, datetime.date(2014, 3, 31)) == 0
    assert metrics.expected_share(jobs, campaign, datetime.date(2014, 8, 31)) == 1
    assert metrics.expected_share(jobs, campaign, datetime.date(2014, 4, 1)) == Decimal(1) / Decimal(153)
    jobs.profile = [0, 0, 0, 10, 30, 60, 80, 100, 100, 100, 100, 100]
    assert metrics.expected_share(jobs, campaign, datetime.date(2014, 5, 31)) == Decimal("0.3")
    assert metrics.expected_share(jobs, campaign, datetime.date(2014, 6, 15)) == Decimal("0.45")


def test_prj3_an_indicator_without_a_target_shows_its_value_and_no_status(tree, project, daoli):
    indicator = services.add_indicator(None, project, name="扶持创业妇女", unit="person", target=None)
    _report(daoli, indicator, tree.a, MAY, 12)
    figure = _figure(indicator, tree.a)
    assert (figure.value, figure.status, figure.rate) == (Decimal(12), metrics.Status.NO_TARGET, None)


def test_prj3_computed_indicators_count_their_records(tree, relief, sunset, women, daoli):
    aided = services.add_indicator(
        None,
        relief["project"],
        name="生活救助人数",
        unit="person",
        source="beneficiaries",
        measure="women",
        help_kind="生活救助",
    )
    day = datetime.date(2014, 5, 10)
    services.record_beneficiary(
        daoli,
        project=relief["project"],
        woman=women[0],
        org=tree.a1,
        received_on=day,
        help_kind="泥草房改建",
        amount_yuan=20000,
    )
    services.record_beneficiary(
        daoli,
        project=relief["project"],
        woman=women[0],
        org=tree.a1,
        received_on=day,
        help_kind="生活救助",
        amount_yuan=800,
    )
    services.record_beneficiary(
        daoli,
        project=relief["project"],
        woman=women[1],
        org=tree.a,
        received_on=day,
        help_kind="生活救助",
        amount_yuan=1000,
    )
    indicators = list(Indicator.objects.select_related("project", "project__campaign", "project__org"))
    figures = metrics.figures(indicators, [tree.a, tree.a1], datetime.date(2014, 12, 31))
    assert figures[(relief["housing"].pk, tree.a.pk)].value == 1  # records of 泥草房改建
    assert figures[(relief["women"].pk, tree.a.pk)].value == 2  # distinct women, any kind
    assert figures[(relief["women"].pk, tree.a1.pk)].value == 1
    assert figures[(aided.pk, tree.a.pk)].value == 2  # distinct women of one help kind
    assert figures[(relief["money"].pk, tree.a.pk)].value == Decimal(21800)
    assert _figure(relief["money"], tree.city).rate == pytest.approx(0.218)


# --- pages -----------------------------------------------------------------------------------------


def test_prj3_overview_shows_every_indicator_with_completion_and_status_in_bounded_queries(
    tree, jobs, relief, sunset, daoli, city_leader, login_as, django_assert_max_num_queries
):
    services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1000, tree.b.pk: 2000}, issue=True)
    for month in range(4, 9):
        _report(daoli, jobs, tree.a1, datetime.date(2014, month, 1), 100)
    client = login_as(daoli)
    with django_assert_max_num_queries(30):
        response = client.get("/projects/?year=2014")
    page = response.content.decode()
    assert "提供就业岗位" in page and "泥草房改建" in page and "结对巾帼志愿者" in page
    assert "50.0%" in page and "严重滞后" in page  # 500 of 1000 at the year's end
    assert "新阳路街道" in page  # the children's progress


def test_prj3_overview_drills_down_only_inside_the_scope(tree, jobs, daoli, login_as):
    client = login_as(daoli)
    assert client.get(f"/projects/?org={tree.a1.pk}").status_code == 200
    assert client.get(f"/projects/?org={tree.city.pk}").status_code == 404
    assert client.get(f"/projects/?org={tree.b.pk}").status_code == 404


def test_prj3_indicator_page_charts_progress_against_the_expected_line_with_its_table(
    tree, jobs, daoli, city_leader, login_as, django_assert_max_num_queries
):
    services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1530, tree.b.pk: 1470}, issue=True)
    _report(daoli, jobs, tree.a, MAY, 300)
    _report(daoli, jobs, tree.a1, JUNE, 200)
    client = login_as(daoli)
    with django_assert_max_num_queries(30):
        response = client.get(f"/projects/indicators/{jobs.pk}/?org={tree.a.pk}")
    page = response.content.decode()
    assert "echarts.min.js" in page and "fuqing/projects.js" in page
    start = page.index('data-chart="') + len('data-chart="')
    import html

    chart = json.loads(html.unescape(page[start : page.index('"', start)]))
    assert chart["labels"][:5] == ["4月", "5月", "6月", "7月", "8月"]
    assert chart["values"][:3] == [0.0, 300.0, 500.0]
    assert chart["expected"][4] == 1530.0
    assert 'id="series-table"' in page and "2014-06" in page  # the table a click away
    assert "新阳路街道" in page  # children's breakdown


def test_prj3_home_panel_shows_a_district_leader_her_lagging_indicators(
    tree, jobs, daoli, city_leader, login_as
):
    services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1000, tree.b.pk: 2000}, issue=True)
    services.save_split(daoli, jobs, tree.a, {tree.a1.pk: 1000}, issue=True)
    _report(daoli, jobs, tree.a1, MAY, 100)
    page = login_as(daoli).get("/").content.decode()
    assert 'data-panel="projects-lagging"' in page
    assert "提供就业岗位" in page and "未完成" in page  # shown at 2014-12-31, after the period
    assert "新阳路街道（1）" in page


def test_prj3_women_counted_once_per_unit_even_with_several_helps(tree, relief, daoli):
    woman = make_woman(tree.a1a, "赵淑兰")
    for day in (4, 5):
        services.record_beneficiary(
            daoli,
            project=relief["project"],
            woman=woman,
            org=tree.a1,
            received_on=datetime.date(2014, 5, day),
            help_kind="生活救助",
        )
    assert _figure(relief["women"], tree.a).value == 1
