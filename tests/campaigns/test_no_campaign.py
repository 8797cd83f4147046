"""Pages of the campaign calendar before any campaign exists say what to do next."""


def test_cam2_status_page_without_a_campaign(tree, researcher, login_as):
    assert "还没有活动" in login_as(researcher).get("/campaigns/status/").content.decode()


def test_cam3_plans_page_without_a_campaign(tree, daoli, login_as):
    client = login_as(daoli)
    assert "还没有活动" in client.get("/campaigns/plans/").content.decode()
    assert client.get("/campaigns/plans/add/").status_code == 302


def test_cam2_home_panel_without_a_campaign(tree, daoli, login_as):
    assert 'data-panel="campaign-owed"' in login_as(daoli).get("/").content.decode()
