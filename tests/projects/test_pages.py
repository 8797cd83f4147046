"""The projects pages a cadre works in: creating a project and its indicators, the navigation under
实事项目, searching projects (PRJ-1, UI.md)."""

from __future__ import annotations

from fuqing.projects.models import Indicator, Project
from tests.conftest import make_user


def test_prj1_a_project_and_its_indicators_are_created_on_the_pages(tree, campaign, city_leader, login_as):
    client = login_as(city_leader)
    form = client.get(f"/projects/add/?org={tree.city.pk}").content.decode()
    assert "研究室" in form  # the departments of the chosen unit
    response = client.post(
        "/projects/add/?year=2014",
        {
            "org": tree.city.pk,
            "name": "春风送岗位",
            "lead_department": tree.research.pk,
            "help_kinds": "",
            "sort": 10,
        },
        follow=True,
    )
    assert "项目已创建" in response.content.decode()
    project = Project.objects.get()
    response = client.post(
        f"/projects/{project.pk}/indicators/add/",
        {"name": "提供就业岗位", "unit": "item", "target": "30000", "source": "reported", "sort": 10},
        follow=True,
    )
    assert "已增加指标“提供就业岗位”" in response.content.decode()
    response = client.post(
        f"/projects/{project.pk}/indicators/add/",
        {
            "name": "就业培训",
            "unit": "person_time",
            "target": "",
            "source": "reported",
            "sort": 20,
            "profile": "1,2",
        },
    )
    assert "进度曲线应为 12 个累计百分比" in response.content.decode()
    assert Indicator.objects.count() == 1


def test_prj1_a_project_of_another_unit_is_read_only(tree, campaign, project, daoli, login_as):
    client = login_as(daoli)
    assert client.get(f"/projects/{project.pk}/").status_code == 200
    assert client.post(f"/projects/{project.pk}/edit/", {"name": "改名"}).status_code == 403
    assert Project.objects.get().name == "春风送岗位"


def test_prj_navigation_lists_the_projects_pages_under_实事项目(tree, campaign, daoli, login_as):
    page = login_as(daoli).get("/projects/").content.decode()
    for label in ("实事项目", "项目进度", "月度填报", "受益人", "志愿者结对"):
        assert label in page
    assert 'href="/projects/my/"' not in page


def test_prj_viewers_without_edit_rights_see_no_entry_form(tree, campaign, jobs, login_as):
    inspector = make_user(tree.a, "inspector")
    client = login_as(inspector)
    assert "月度填报" not in client.get("/projects/").content.decode()
    assert client.get("/projects/report/").status_code == 403


def test_prj_search_finds_projects_of_every_year_in_scope(tree, campaign, project, daoli, login_as):
    page = login_as(daoli).get("/projects/", {"q": "春风"}).content.decode()
    assert "2014年 春风送岗位" in page
