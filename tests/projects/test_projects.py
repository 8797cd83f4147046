"""PRJ-1: projects of a campaign year with their lead department and indicators (unit, annual target)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fuqing.core.models import AuditEvent
from fuqing.projects import services
from fuqing.projects.models import Indicator, Project, Source, Unit
from tests.conftest import make_user


def test_prj1_a_project_belongs_to_a_campaign_year_with_its_lead_department(tree, campaign, city_leader):
    project = services.create_project(
        city_leader, org=tree.city, campaign=campaign, name="春风送岗位", lead_department=tree.research
    )
    assert (project.year, project.lead_department, project.org) == (2014, tree.research, tree.city)
    assert AuditEvent.objects.filter(object_type="projects.project", object_id=str(project.pk)).exists()


def test_prj1_lead_department_must_be_a_department_of_the_running_federation(tree, campaign, city_leader):
    with pytest.raises(ValidationError) as exc:
        services.create_project(
            city_leader, org=tree.city, campaign=campaign, name="春风送岗位", lead_department=tree.a
        )
    assert "牵头部门应为“哈尔滨市妇联”的部(室)" in exc.value.message_dict["lead_department"][0]


def test_prj1_project_names_are_unique_per_unit_and_year(tree, campaign, project, city_leader):
    with pytest.raises(ValidationError) as exc:
        services.create_project(city_leader, org=tree.city, campaign=campaign, name="春风送岗位")
    assert "2014年已有名为“春风送岗位”的项目" in exc.value.message_dict["name"][0]


def test_prj1_a_district_runs_projects_only_inside_its_own_scope(tree, campaign, daoli):
    with pytest.raises(PermissionDenied):
        services.create_project(daoli, org=tree.city, campaign=campaign, name="区里的项目")
    own = services.create_project(daoli, org=tree.a, campaign=campaign, name="道里区巾帼创业")
    assert own.org == tree.a


def test_prj1_a_viewer_without_edit_permission_cannot_create(tree, campaign):
    viewer = make_user(tree.city, "inspector")
    with pytest.raises(PermissionDenied):
        services.create_project(viewer, org=tree.city, campaign=campaign, name="春风送岗位")


@pytest.mark.parametrize(
    ("unit", "label"),
    [
        (Unit.ITEM, "个"),
        (Unit.PERSON_TIME, "人次"),
        (Unit.YUAN, "元"),
        (Unit.HOUSEHOLD, "户"),
        (Unit.PERSON, "人"),
    ],
)
def test_prj1_indicators_count_in_the_notices_units(project, unit, label):
    indicator = services.add_indicator(None, project, name=f"指标{label}", unit=unit, target=100)
    assert indicator.get_unit_display() == label


def test_prj1_an_indicator_may_wait_for_its_target(project):
    indicator = services.add_indicator(None, project, name="培训人次", unit=Unit.PERSON_TIME, target=None)
    assert indicator.target is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "unit": Unit.ITEM}, "name", "指标名称不能为空"),
        ({"name": "岗位", "unit": "件"}, "unit", "计量单位应为：个、人次、元、户、人"),
        ({"name": "岗位", "unit": Unit.ITEM, "target": "-5"}, "target", "年度目标不能小于 0"),
        ({"name": "岗位", "unit": Unit.ITEM, "target": "3万"}, "target", "年度目标应为数字"),
        (
            {"name": "金额", "unit": Unit.PERSON, "source": Source.BENEFICIARIES, "measure": "amount"},
            "unit",
            "按金额计算的指标以“元”为单位",
        ),
        ({"name": "人数", "unit": Unit.PERSON, "source": Source.BENEFICIARIES}, "measure", "计算口径应为"),
        (
            {"name": "人数", "unit": Unit.PERSON, "profile": "10,20"},
            "profile",
            "进度曲线应为 12 个累计百分比",
        ),
    ],
)
def test_prj1_bad_indicators_are_refused_with_the_field_and_the_rule(project, data, field, message):
    with pytest.raises(ValidationError) as exc:
        services.add_indicator(None, project, **data)
    assert message in exc.value.message_dict[field][0]
    assert not Indicator.objects.filter(project=project).exists()


def test_prj1_a_computed_indicator_counts_only_the_projects_help_kinds(tree, relief):
    with pytest.raises(ValidationError) as exc:
        services.add_indicator(
            None,
            relief["project"],
            name="助学",
            unit=Unit.PERSON,
            source=Source.BENEFICIARIES,
            measure="records",
            help_kind="助学金",
        )
    assert "“助学金”不是本项目的帮扶类别" in exc.value.message_dict["help_kind"][0]


def test_prj1_demo_loads_the_2014_set_of_the_notice_with_its_real_figures(db):
    from fuqing.core.loaders import load_all_demo

    load_all_demo("Demo@2014pass")
    targets = {
        (i.project.name, i.name): i.target
        for i in Indicator.objects.filter(project__year=2014).select_related("project")
    }
    assert targets[("春风送岗位", "提供就业岗位")] == Decimal(30000)
    assert targets[("春风送岗位", "就业技能培训")] == Decimal(10000)
    assert targets[("百万妇女素养提升", "培训妇女")] == Decimal(5000)
    assert targets[("妇女小额贷款兴业", "新增小额贷款")] == Decimal(50000000)
    assert targets[("爱心暖夕阳", "结对巾帼志愿者")] == Decimal(1000)
    assert targets[("爱心暖夕阳", "结对空巢老人家庭")] == Decimal(1000)
    names = set(Project.objects.filter(year=2014).values_list("name", flat=True))
    assert {"贫困母亲救助", "贫困妇女法律援助", "妇女健康援助", "爱心一杯奶", "慈善助孤", "春蕾助学"} <= names
    assert ("贫困母亲救助", "泥草房改建") in targets and ("妇女健康援助", "两癌筛查") in targets
    assert all(p.lead_department is not None for p in Project.objects.filter(year=2014))
    # progress April–August 2014 across the districts, not all on track (PRJ-3)
    import datetime

    from fuqing.orgs.models import Org, OrgKind
    from fuqing.projects import metrics
    from fuqing.projects.models import ProgressEntry

    months = set(ProgressEntry.objects.filter(month__year=2014).values_list("month", flat=True))
    assert months == {datetime.date(2014, m, 1) for m in range(4, 9)}
    jobs = Indicator.objects.select_related("project", "project__campaign", "project__org").get(
        name="提供就业岗位", project__year=2014
    )
    districts = list(Org.objects.filter(kind=OrgKind.DISTRICT))
    figures = metrics.figures([jobs], districts, datetime.date(2014, 8, 31))
    statuses = {f.status for f in figures.values()}
    assert {metrics.Status.BEHIND, metrics.Status.AT_RISK} <= statuses
    assert statuses & {metrics.Status.ON_TRACK, metrics.Status.COMPLETED}
