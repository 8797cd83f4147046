"""PLT-3 with CAM-1, REG-2, NEED-1: campaigns written through the API by the organiser's system
administrator; the dictionaries read by business users and extended by their administrator."""

from __future__ import annotations

import datetime

from fuqing.assistance.models import NeedCategory
from fuqing.campaigns import services as campaign_services
from fuqing.campaigns.models import Campaign, Deadline
from fuqing.core.models import AuditEvent
from fuqing.registry.models import VulnerableGroup
from tests.api.conftest import token_for
from tests.conftest import make_user


def _campaign(org, year=2014):
    return campaign_services.create_campaign(None, org=org, year=year)


def test_cam1_the_system_administrator_creates_a_campaign_with_its_calendar(call, tree, sysadmin):
    response = call(sysadmin, "post", "/campaigns/", {"org": tree.city.pk, "year": 2015, "survey_month": 5})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["org"] == tree.city.pk and body["deadlines"] == 3 and body["starts_on"] == "2015-04-01"
    campaign = Campaign.objects.get(pk=body["id"])
    assert campaign.survey_month == 5 and Deadline.objects.filter(campaign=campaign).count() == 3
    assert AuditEvent.objects.filter(action="create", object_id=str(campaign.pk)).exists()


def test_cam1_bad_input_names_the_field_and_writes_nothing(call, tree, sysadmin):
    _campaign(tree.city, 2014)
    before = Campaign.objects.count(), Deadline.objects.count()
    again = call(sysadmin, "post", "/campaigns/", {"org": tree.city.pk, "year": 2014})
    assert again.status_code == 422 and "年度（year）" in again.json()["detail"]
    dates = call(
        sysadmin,
        "post",
        "/campaigns/",
        {"org": tree.city.pk, "year": 2016, "starts_on": "2016-05-01", "ends_on": "2016-04-01"},
    )
    assert dates.status_code == 422 and "ends_on" in dates.json()["errors"]
    month = call(sysadmin, "post", "/campaigns/", {"org": tree.city.pk, "year": 2016, "survey_month": 13})
    assert month.status_code == 422 and "调研月（survey_month）" in month.json()["detail"]
    assert (Campaign.objects.count(), Deadline.objects.count()) == before


def test_cam1_a_district_reads_the_citys_campaign_but_cannot_change_it(call, tree, daoli, district_sysadmin):
    campaign = _campaign(tree.city)
    assert call(daoli, "get", f"/campaigns/{campaign.pk}/").json()["name"] == campaign.name
    assert [c["id"] for c in call(daoli, "get", "/campaigns/").json()["items"]] == [campaign.pk]
    assert call(daoli, "patch", f"/campaigns/{campaign.pk}/", {"name": "改"}).status_code == 403
    assert call(district_sysadmin, "patch", f"/campaigns/{campaign.pk}/", {"name": "改"}).status_code == 403
    assert call(district_sysadmin, "post", f"/campaigns/{campaign.pk}/copy/").status_code == 403
    campaign.refresh_from_db()
    assert campaign.name != "改" and Campaign.objects.count() == 1


def test_cam1_the_sibling_districts_campaign_is_not_found(call, tree, district_sysadmin, nangang):
    campaign = _campaign(tree.b)
    assert call(district_sysadmin, "get", f"/campaigns/{campaign.pk}/").status_code == 404
    assert call(district_sysadmin, "patch", f"/campaigns/{campaign.pk}/", {"name": "改"}).status_code == 404
    assert call(district_sysadmin, "post", "/campaigns/", {"year": 2020, "org": tree.b.pk}).status_code == 404
    assert Campaign.objects.count() == 1


def test_cam1_change_and_copy_to_next_year(call, tree, sysadmin):
    campaign = _campaign(tree.city)
    response = call(sysadmin, "patch", f"/campaigns/{campaign.pk}/", {"theme": "巾帼建新功", "notes": "说明"})
    assert response.status_code == 200 and response.json()["theme"] == "巾帼建新功"
    copied = call(sysadmin, "post", f"/campaigns/{campaign.pk}/copy/")
    assert (
        copied.status_code == 201 and copied.json()["year"] == 2015 and copied.json()["theme"] == "巾帼建新功"
    )
    again = call(sysadmin, "post", f"/campaigns/{campaign.pk}/copy/")
    assert again.status_code == 422 and Campaign.objects.count() == 2


def test_cam1_the_list_pins_its_queries(call, tree, daoli, django_assert_max_num_queries):
    for year in range(2014, 2020):
        _campaign(tree.city, year)
    token = token_for(daoli)
    with django_assert_max_num_queries(8):
        response = call(token, "get", "/campaigns/", {"year": 2016})
    assert [c["year"] for c in response.json()["items"]] == [2016]


# --- dictionaries ---------------------------------------------------------------------------------


def test_reg2_business_users_read_the_groups_the_root_system_administrator_extends(
    call, tree, daoli, sysadmin, district_sysadmin
):
    names = [g["name"] for g in call(daoli, "get", "/vulnerable-groups/").json()]
    assert "失地妇女" in names
    body = {"code": "single-elderly", "name": "独居老年妇女", "sort": 120}
    assert call(daoli, "post", "/vulnerable-groups/", body).status_code == 403
    assert call(district_sysadmin, "post", "/vulnerable-groups/", body).status_code == 403
    response = call(sysadmin, "post", "/vulnerable-groups/", body)
    assert response.status_code == 201 and response.json()["name"] == "独居老年妇女"
    group = VulnerableGroup.objects.get(code="single-elderly")
    assert (
        call(sysadmin, "patch", f"/vulnerable-groups/{group.pk}/", {"is_active": False}).json()["is_active"]
        is False
    )


def test_reg2_the_notices_groups_keep_their_names_and_bad_input_writes_nothing(call, sysadmin):
    builtin = VulnerableGroup.objects.filter(is_builtin=True).first()
    response = call(sysadmin, "patch", f"/vulnerable-groups/{builtin.pk}/", {"name": "改名"})
    assert response.status_code == 422 and "名称（name）" in response.json()["detail"]
    before = VulnerableGroup.objects.count()
    bad = call(sysadmin, "post", "/vulnerable-groups/", {"code": "有 空格", "name": "x"})
    assert bad.status_code == 422 and "代码（code）" in bad.json()["detail"]
    builtin.refresh_from_db()
    assert builtin.name != "改名" and VulnerableGroup.objects.count() == before
    assert call(sysadmin, "get", "/vulnerable-groups/987654/").status_code == 404


def test_need1_categories_are_extended_by_a_system_administrator_through_the_same_rule(
    call, tree, daoli, sysadmin, client
):
    assert call(daoli, "get", "/need-categories/").status_code == 200
    body = {"code": "elder-care", "name": "养老照护", "sort": 210}
    assert call(daoli, "post", "/need-categories/", body).status_code == 403
    response = call(sysadmin, "post", "/need-categories/", body)
    assert response.status_code == 201
    category = NeedCategory.objects.get(code="elder-care")
    clash = call(sysadmin, "post", "/need-categories/", {"code": "elder-care-2", "name": "养老照护"})
    assert clash.status_code == 422 and "名称（name）" in clash.json()["detail"]
    builtin = NeedCategory.objects.filter(is_builtin=True).first()
    if builtin is not None:
        kept = call(sysadmin, "patch", f"/need-categories/{builtin.pk}/", {"name": "就业创业（改）"})
        assert kept.status_code == 200 and kept.json()["code"] == builtin.code
    renamed = call(sysadmin, "patch", f"/need-categories/{category.pk}/", {"name": "老年照护"})
    assert renamed.json()["name"] == "老年照护"
    assert AuditEvent.objects.filter(object_id=str(category.pk), action="update").exists()


def test_need1_the_category_page_saves_through_the_same_function(client, sysadmin):
    from tests.conftest import login

    login(client, sysadmin)
    response = client.post(
        "/assistance/categories/", {"code": "page-made", "name": "页面新增", "sort": 300, "is_active": "on"}
    )
    assert response.status_code == 302
    category = NeedCategory.objects.get(code="page-made")
    assert AuditEvent.objects.filter(object_id=str(category.pk), action="create").exists()
    response = client.post(
        f"/assistance/categories/{category.pk}/", {"code": "page-made", "name": "页面改名", "sort": 301}
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.name == "页面改名" and not category.is_active


def test_need1_a_cadre_without_assistance_reads_no_categories(call, tree):
    nobody = make_user(tree.a, username="no_role")
    assert call(nobody, "get", "/need-categories/").status_code == 403
    assert call(nobody, "get", "/vulnerable-groups/").status_code == 403


def test_cam1_campaign_dates_outside_the_year(call, tree, sysadmin):
    response = call(
        sysadmin, "post", "/campaigns/", {"org": tree.city.pk, "year": 2017, "starts_on": "2018-04-01"}
    )
    assert response.status_code == 422 and "开始日期（starts_on）" in response.json()["detail"]
    assert not Campaign.objects.filter(year=2017).exists()
    assert datetime.date(2017, 1, 1)


def test_cam1_a_deadline_set_by_mistake_is_removed_unless_someone_submitted(call, tree, sysadmin, daoli):
    campaign = _campaign(tree.city)
    mistake, submitted = list(campaign.deadlines.order_by("due_on")[:2])
    submitted.obligations.filter(org=tree.a).update(versions=1)
    assert call(daoli, "delete", f"/deadlines/{mistake.pk}/").status_code == 403
    refused = call(sysadmin, "delete", f"/deadlines/{submitted.pk}/")
    assert refused.status_code == 422 and Deadline.objects.filter(pk=submitted.pk).exists()
    assert call(sysadmin, "delete", f"/deadlines/{mistake.pk}/").status_code == 204
    assert not Deadline.objects.filter(pk=mistake.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(mistake.pk)).exists()


def test_cam1_the_sibling_districts_deadline_is_not_found(call, tree, district_sysadmin):
    deadline = _campaign(tree.b).deadlines.first()
    assert call(district_sysadmin, "delete", f"/deadlines/{deadline.pk}/").status_code == 404
    assert Deadline.objects.filter(pk=deadline.pk).exists()
