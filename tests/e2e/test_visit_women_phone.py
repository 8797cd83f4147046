"""FLD-2 / NEED-1 on a 375×812 phone: a visit with one woman met and her two needs takes at most two
screens and twelve taps besides the typed text — she is found by name within the place (masked) and her
needs are written under her, in the same form as the visit."""

import re

import pytest

from fuqing.assistance.models import Need
from fuqing.fieldwork.models import Visit
from fuqing.orgs.models import Org, OrgKind
from fuqing.registry.models import Woman
from tests.e2e.conftest import login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TAP_BUDGET = 12
SCREEN_BUDGET = 2


class Taps:
    """Counts what a person does with a finger: a tap on a button or a field, two for a drop-down."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, selector):
        self.count += 1
        self.page.click(selector)

    def choose(self, selector, value):
        self.count += 2  # open the list, pick the item
        self.page.select_option(selector, value)


def test_fld2_need1_one_woman_two_needs_within_two_screens_and_twelve_taps(phone, live_server, demo):
    daoli = Org.objects.get(name="道里区妇联")
    woman = (
        Woman.objects.filter(org__path__startswith=daoli.path, org__kind=OrgKind.COMMUNITY, status="active")
        .order_by("registered_on")
        .first()
    )
    assert woman is not None
    login(phone, live_server, "daoli")
    screens = []
    phone.on("framenavigated", lambda frame: frame == phone.main_frame and screens.append(frame.url))
    taps = Taps(phone)

    taps.tap(".fq-bottom-bar >> text=记走访")  # screen 1: the visit form
    phone.wait_for_load_state("networkidle")
    taps.choose("#id_place", str(woman.org_id))
    taps.tap("#fq-woman-q")
    phone.keyboard.type(woman.name[:2])
    button = phone.locator(".fq-pick-woman", has_text=woman.masked_name)
    button.wait_for()
    assert woman.name not in phone.locator("#fq-woman-results").inner_text()  # masked (SEC-8)
    taps.tap(f".fq-pick-woman[data-id='{woman.pk}']")
    # her card opens with the cursor in her needs: the text is typed, no tap
    phone.keyboard.type("就业：想学家政技能")
    phone.keyboard.press("Enter")
    phone.keyboard.type("住房：危房待修")
    assert phone.input_value("#id_women_met") == "1"  # the count includes her
    shot(phone, "visit-women-phone")
    taps.tap("main button[type=submit]")  # screen 2: the visit's page
    phone.wait_for_url(re.compile(r"/fieldwork/visits/[0-9a-f-]{36}/$"))  # posted through fetch (PLT-6)
    phone.wait_for_load_state("networkidle")

    assert taps.count <= TAP_BUDGET, taps.count
    form_and_after = screens[screens.index(next(u for u in screens if u.endswith("/visits/add/"))) :]
    assert len(form_and_after) <= SCREEN_BUDGET, form_and_after
    visit = Visit.objects.get(women=woman)
    assert visit.women_met >= 1
    needs = Need.objects.filter(visit=visit, woman=woman)
    assert sorted(needs.values_list("category__name", "description")) == [
        ("住房", "危房待修"),
        ("就业", "想学家政技能"),
    ]
    section = phone.locator("[data-section=needs]").inner_text()
    assert "想学家政技能" in section and "危房待修" in section
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "visit-women-detail-phone")
