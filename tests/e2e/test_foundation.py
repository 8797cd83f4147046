"""What a cadre and an administrator see in a real browser (PLT-1, PLT-2, PLT-6 layout, ORG-3, SEC-6)."""

import base64

import pytest
from django_otp.oath import totp

from fuqing.orgs.models import Org
from tests.e2e.conftest import login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_plt2_a_district_cadre_logs_in_to_a_chinese_home_page(page, live_server, demo, outside_requests):
    login(page, live_server, "daoli")
    assert page.locator(".fq-page-title").inner_text().endswith("您好")
    assert "哈尔滨市妇联" in page.locator(".fq-lineage").inner_text()
    assert "道里区妇联" in page.locator("[data-panel=unit]").inner_text()
    assert "调研月活动总结" in page.locator("[data-panel=calendar]").inner_text()
    shot(page, "home-daoli")
    page.click("text=组织机构")
    page.wait_for_load_state("networkidle")
    page.click("main >> text=道里区妇联")
    assert "新阳路街道" in page.content()
    shot(page, "org-daoli")
    nangang = Org.objects.get(name="南岗区妇联")
    response = page.goto(f"{live_server.url}/orgs/{nangang.pk}/")
    assert response.status == 404
    assert "不在您的数据范围内" in page.content()
    assert outside_requests == []  # no asset from outside the server


def test_plt6_pages_fit_a_phone_and_the_menu_folds_away(phone, live_server, demo, outside_requests):
    login(phone, live_server, "daoli_street")
    assert not phone.locator("#fq-nav").is_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px phone"
    phone.click("button[aria-controls=fq-nav]")
    phone.wait_for_selector("#fq-nav.show")
    assert phone.locator("#fq-nav").get_by_text("活动日程").is_visible()
    shot(phone, "home-phone-daoli_street")
    assert outside_requests == []


def test_sec6_an_administrator_sets_up_totp_and_manages_users(page, live_server, demo):
    login(page, live_server, "sysadmin")
    assert page.url.endswith("/account/otp/setup/")
    shot(page, "otp-setup")
    secret = page.locator("[data-testid=otp-secret]").inner_text()
    code = f"{totp(base64.b32decode(secret)):06d}"
    page.fill("#id_token", code)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click("text=用户管理")
    page.wait_for_load_state("networkidle")
    assert "daoli_street" in page.content()
    shot(page, "users-sysadmin")


def test_plt2_english_is_one_click_away(page, live_server, demo):
    login(page, live_server, "city")
    page.click(".dropdown-toggle")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    page.wait_for_load_state("networkidle")
    assert "Home" in page.locator("#fq-nav").inner_text()
    shot(page, "home-city-en")
