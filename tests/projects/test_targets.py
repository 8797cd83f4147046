"""PRJ-2: targets split down the tree — the parts add up to the whole, the difference is shown, an
unbalanced split is only a draft; next year's projects copied in one step."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fuqing.campaigns.models import Campaign
from fuqing.orgs import services as org_services
from fuqing.orgs.models import OrgKind
from fuqing.projects import services
from fuqing.projects.models import Indicator, Project, Target


def test_prj2_the_city_issues_a_split_that_adds_up(tree, jobs, city_leader):
    split = services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1800, tree.b.pk: 1200}, issue=True)
    assert split.balanced and not split.draft
    assert split.message == "分解合计 3,000，与总目标一致。"
    assert Target.objects.get(indicator=jobs, org=tree.a).value == Decimal(1800)


def test_prj2_an_unbalanced_split_cannot_be_issued_and_says_by_how_much(tree, jobs, city_leader):
    with pytest.raises(ValidationError) as exc:
        services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1500, tree.b.pk: 1200}, issue=True)
    message = exc.value.message_dict["parts"][0]
    assert "分解合计 2,700，比总目标 3,000 少 300" in message
    assert "可先保存为草稿" in message
    assert not Target.objects.exists()  # nothing half-written


def test_prj2_an_unbalanced_split_is_saved_as_a_flagged_draft(tree, jobs, city_leader):
    split = services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 2000, tree.b.pk: 1200})
    assert split.draft and not split.balanced
    assert split.difference == Decimal(200)
    assert "多 200，超出总目标" in split.message
    assert set(Target.objects.values_list("draft", flat=True)) == {True}


def test_prj2_issuing_later_turns_the_drafts_into_issued_parts(tree, jobs, city_leader):
    services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1000})
    split = services.save_split(city_leader, jobs, tree.city, {tree.b.pk: 2000}, issue=True)
    assert split.balanced and not split.draft
    assert set(Target.objects.values_list("draft", flat=True)) == {False}


def test_prj2_a_district_splits_its_own_part_among_its_townships(tree, jobs, city_leader, daoli):
    services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1800, tree.b.pk: 1200}, issue=True)
    split = services.save_split(daoli, jobs, tree.a, {tree.a1.pk: 1800}, issue=True)
    assert split.whole == Decimal(1800) and split.balanced
    assert services.target_of(jobs, tree.a1) == (Decimal(1800), False)


def test_prj2_a_district_cannot_change_the_part_the_city_gave_it(tree, jobs, city_leader, daoli):
    services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1800, tree.b.pk: 1200}, issue=True)
    with pytest.raises(PermissionDenied):
        services.save_split(daoli, jobs, tree.city, {tree.a.pk: 3000})


def test_prj2_a_unit_without_a_target_cannot_split_it(tree, jobs, daoli):
    with pytest.raises(ValidationError) as exc:
        services.save_split(daoli, jobs, tree.a, {tree.a1.pk: 10})
    assert "“道里区妇联”还没有该指标的目标，不能分解" in exc.value.message_dict["parts"][0]


def test_prj2_parts_go_only_to_direct_children(tree, jobs, city_leader):
    with pytest.raises(ValidationError) as exc:
        services.save_split(city_leader, jobs, tree.city, {tree.a1.pk: 3000}, issue=True)
    assert "只能分解给本单位的直接下级" in exc.value.message_dict["parts"][0]


def test_prj2_a_blank_part_removes_it(tree, jobs, city_leader):
    services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1000, tree.b.pk: 2000})
    split = services.save_split(city_leader, jobs, tree.city, {tree.b.pk: ""})
    assert [p.org for p in split.parts if p.target] == [tree.a]


def test_prj2_a_part_must_be_a_number(tree, jobs, city_leader):
    with pytest.raises(ValidationError) as exc:
        services.save_split(city_leader, jobs, tree.city, {tree.a.pk: "一千"})
    assert "“道里区妇联”的分解数应为数字" in exc.value.message_dict["parts"][0]


def test_prj2_split_page_shows_the_difference_and_saves_a_draft(tree, jobs, city_leader, login_as):
    client = login_as(city_leader)
    url = f"/projects/indicators/{jobs.pk}/split/"
    response = client.post(url, {f"part_{tree.a.pk}": "1000", f"part_{tree.b.pk}": "1500", "issue": "1"})
    assert response.status_code == 200
    assert "分解合计 2,500，比总目标 3,000 少 500，尚未分完" in response.content.decode()
    assert not Target.objects.exists()
    response = client.post(
        url, {f"part_{tree.a.pk}": "1000", f"part_{tree.b.pk}": "1500", "issue": "0"}, follow=True
    )
    assert "已保存为草稿" in response.content.decode()
    page = client.get(url).content.decode()
    assert "草稿" in page and "少 500" in page


def test_prj2_the_districts_split_page_is_read_only_for_another_district(
    tree, jobs, city_leader, nangang, login_as
):
    services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1800, tree.b.pk: 1200}, issue=True)
    response = login_as(nangang).get(f"/projects/indicators/{jobs.pk}/split/?org={tree.a.pk}")
    assert response.status_code == 404


def test_prj2_a_draft_target_is_flagged_in_the_overview(tree, jobs, city_leader, daoli, login_as):
    services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1000})
    page = login_as(daoli).get("/projects/").content.decode()
    assert "草稿目标" in page


# --- next year ------------------------------------------------------------------------------------


@pytest.fixture
def campaign_2015(tree, campaign):
    return Campaign.objects.create(
        org=tree.city,
        year=2015,
        name=campaign.name,
        theme=campaign.theme,
        starts_on=datetime.date(2015, 4, 1),
        ends_on=datetime.date(2015, 8, 31),
    )


def test_prj2_next_years_projects_are_copied_in_one_step_with_targets_and_splits(
    tree, jobs, relief, city_leader, campaign_2015
):
    services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1800, tree.b.pk: 1200}, issue=True)
    copies = services.copy_projects(
        city_leader, org=tree.city, from_year=2014, copy_targets=True, copy_splits=True
    )
    assert {p.name for p in copies} == {"春风送岗位", "贫困母亲救助"}
    new_jobs = Indicator.objects.get(project__year=2015, name="提供就业岗位")
    assert new_jobs.target == Decimal(3000) and new_jobs.project.campaign == campaign_2015
    parts = dict(Target.objects.filter(indicator=new_jobs).values_list("org__name", "value"))
    assert parts == {"道里区妇联": Decimal(1800), "南岗区妇联": Decimal(1200)}
    assert set(Target.objects.filter(indicator=new_jobs).values_list("draft", flat=True)) == {True}
    assert Indicator.objects.get(project__year=2015, name="泥草房改建").help_kind == "泥草房改建"


def test_prj2_targets_can_be_left_empty_when_copying(tree, jobs, city_leader, campaign_2015):
    services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 3000}, issue=True)
    services.copy_projects(city_leader, org=tree.city, from_year=2014, copy_targets=False)
    new_jobs = Indicator.objects.get(project__year=2015, name="提供就业岗位")
    assert new_jobs.target is None
    assert not Target.objects.filter(indicator=new_jobs).exists()


def test_prj2_copying_needs_next_years_campaign_and_refuses_twice(tree, jobs, city_leader, campaign):
    with pytest.raises(ValidationError) as exc:
        services.copy_projects(city_leader, org=tree.city, from_year=2014)
    assert "还没有覆盖“哈尔滨市妇联”的2015年活动" in exc.value.message_dict["year"][0]
    Campaign.objects.create(
        org=tree.city,
        year=2015,
        name="活动",
        theme="主题",
        starts_on=datetime.date(2015, 4, 1),
        ends_on=datetime.date(2015, 8, 31),
    )
    services.copy_projects(city_leader, org=tree.city, from_year=2014)
    with pytest.raises(ValidationError) as exc:
        services.copy_projects(city_leader, org=tree.city, from_year=2014)
    assert "2015年已有同名项目：春风送岗位" in exc.value.message_dict["year"][0]
    assert Project.objects.filter(year=2015).count() == 1


def test_prj2_copy_page_copies_next_year(tree, jobs, city_leader, campaign_2015, login_as):
    client = login_as(city_leader)
    response = client.post(
        "/projects/copy/", {"org": tree.city.pk, "from_year": 2014, "copy_targets": "on"}, follow=True
    )
    assert "已复制 1 个项目到2015年" in response.content.decode()
    assert Indicator.objects.get(project__year=2015).target == Decimal(3000)


def test_prj2_splits_skip_departments_and_inactive_units(tree, jobs, city_leader):
    closed = org_services.add_org(None, parent=tree.city, name="撤并区妇联", kind=OrgKind.DISTRICT)
    closed.is_active = False
    closed.save()
    split = services.get_split(jobs, tree.city)
    assert [p.org for p in split.parts] == [tree.a, tree.b]
