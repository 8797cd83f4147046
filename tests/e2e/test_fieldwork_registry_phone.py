"""On a 375-px phone: a failed save brings its error summary into view with every error at once, and
no field-work or registry page is wider than the screen (review round 2). Browser tests (Chromium)."""

import pytest

from fuqing.fieldwork.models import Questionnaire, Visit
from fuqing.orgs.models import User
from fuqing.registry.models import Woman
from tests.e2e.conftest import login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_failed_registration_shows_every_error_at_the_top_and_focuses_it(phone, live_server, demo):
    login(phone, live_server, "daoli")
    phone.goto(f"{live_server.url}/registry/add/")
    phone.fill("#id_name", "测试妇女")
    phone.fill("#id_id_number", "230102198005170021")
    phone.fill("#id_phone", "12345")
    phone.fill("#id_health_notes", "高血压")
    phone.click("main button[type=submit]")
    phone.wait_for_load_state("networkidle")
    summary = phone.locator("[data-error-summary]")
    assert "处错误" in summary.inner_text()
    links = summary.locator("a")
    targets = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert {"#id_id_number", "#id_phone", "#id_health_notes"} <= targets
    assert phone.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    top = summary.bounding_box()["y"]
    assert 0 <= top < 812  # in view, not 1,300 px down
    assert phone.locator("#id_phone.is-invalid").count() == 1
    shot(phone, "registry-add-errors-phone")
    summary.locator("a[href='#id_phone']").click()
    assert phone.evaluate("document.activeElement.id") == "id_phone"
    assert _width(phone) <= 375


@pytest.mark.parametrize(("username", "language"), [("daoli", "zh-hans"), ("city", "en")])
def test_field_work_and_registry_pages_fit_a_phone(phone, live_server, demo, username, language):
    login(phone, live_server, username)
    phone.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    daoli = User.objects.get(username=username)
    visit = Visit.objects.visible_to(daoli).order_by("-started_on").first()
    woman = Woman.objects.visible_to(daoli).filter(status="active").order_by("pk").first()
    questionnaire = Questionnaire.objects.visible_to(daoli).order_by("pk").first()
    pages = [
        "/fieldwork/visits/",
        "/fieldwork/visits/add/",
        f"/fieldwork/visits/{visit.pk}/",
        "/fieldwork/stays/",
        "/fieldwork/days/",
        "/fieldwork/survey-month/",
        "/fieldwork/contact-points/",
        "/fieldwork/contact-points/add/",
        "/fieldwork/questionnaires/",
        "/fieldwork/questionnaires/fill/",
        f"/fieldwork/questionnaires/{questionnaire.pk}/",
        f"/fieldwork/questionnaires/{questionnaire.pk}/fill/",
        f"/fieldwork/questionnaires/{questionnaire.pk}/responses/",
        f"/fieldwork/questionnaires/{questionnaire.pk}/tallies/",
        "/registry/",
        "/registry/add/",
        "/registry/groups/",
        "/registry/duplicates/",
        f"/registry/women/{woman.pk}/",
        f"/registry/women/{woman.pk}/edit/",
    ]
    wide = {}
    for path in pages:
        phone.goto(f"{live_server.url}{path}")
        phone.wait_for_load_state("networkidle")
        assert phone.locator("html").get_attribute("lang") == ("en" if language == "en" else "zh-CN")
        if _width(phone) > 375:
            wide[path] = _width(phone)
            shot(phone, f"wide-{language}" + path.replace("/", "_"))
    assert not wide, f"wider than 375 px: {wide}"
