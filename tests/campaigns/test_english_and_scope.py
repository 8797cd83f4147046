"""PLT-2 on the campaign pages (the survey month by its name, the campaign's title, 本级 with a space in
English) and CAM-1/2/3: a list asked for a unit outside the user's scope answers 404."""

from __future__ import annotations

import pytest
from freezegun import freeze_time

from tests.projects.english import english, to_english, visible_text

pytestmark = pytest.mark.usefixtures("campaign")

TITLE = {"%(y)s年“%(n)s”": "%(y)s “%(n)s”"}


def test_plt2_the_calendar_names_the_survey_month_in_english(tree, campaign, daoli, login_as):
    client = to_english(login_as(daoli))
    with english({**TITLE, "%(m)s为妇女需求调研月": "%(m)s is the needs-survey month"}):
        listing = visible_text(client.get("/campaigns/").content.decode())
        detail = visible_text(client.get(f"/campaigns/{campaign.pk}/").content.decode())
    assert "April is the needs-survey month" in listing and "Month 4" not in listing
    assert f"2014 “{campaign.name}”" in listing and "2014年" not in listing
    assert "April" in detail and "4月" not in detail and f"2014 “{campaign.name}”" in detail


def test_plt2_the_survey_month_in_chinese_stays_as_written(tree, campaign, daoli, login_as):
    listing = visible_text(login_as(daoli).get("/campaigns/").content.decode())
    assert "4月为妇女需求调研月" in listing and f"2014年“{campaign.name}”" in listing


@freeze_time("2014-05-20")
def test_plt2_this_level_reads_with_a_space_in_english(tree, daoli, login_as):
    client = to_english(login_as(daoli))
    mark = '%(o)s<span class="small text-muted">（本级）</span>'
    with english({mark: '%(o)s <span class="small text-muted">(this level)</span>'}):
        page = client.get("/campaigns/status/").content.decode()
    assert '道里区妇联 <span class="small text-muted">(this level)</span>' in page
    chinese = login_as(daoli).get("/campaigns/status/").content.decode()
    assert '道里区妇联<span class="small text-muted">（本级）</span>' in chinese


@pytest.mark.parametrize("url", ["/campaigns/", "/campaigns/status/", "/campaigns/plans/"])
def test_cam_a_list_for_a_unit_outside_the_scope_answers_404(tree, daoli, login_as, url):
    client = login_as(daoli)
    assert client.get(url, {"org": tree.b.pk}).status_code == 404
    assert client.get(url, {"org": tree.a1.pk}).status_code == 200


@freeze_time("2014-05-20")
def test_cam2_the_status_table_for_a_unit_in_scope_starts_there(tree, daoli, login_as):
    response = login_as(daoli).get("/campaigns/status/", {"org": tree.a1.pk})
    assert response.context["under"] == tree.a1
