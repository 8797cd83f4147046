"""PLT-6 on a weak network, at 375×812: the phone says it is online but the POST of a data-offline form
never arrives (the connection drops) or its answer does not come within the timeout. What was typed goes
to the encrypted outbox ("网络不畅，已存入待上传") instead of being lost; nothing is created on the server
until the outbox is sent, and then exactly once. A normal online save still follows the server's answer
(the redirect, or the form re-rendered with its error summary)."""

import re

import pytest

from fuqing.fieldwork.models import Visit
from fuqing.orgs.models import Org, OrgKind
from tests.e2e.conftest import LAUNCH_ARGS, login  # noqa: F401  (same browser, same launch)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ADD = "**/fieldwork/visits/add/"


def _place():
    daoli = Org.objects.get(name="道里区妇联")
    return Org.objects.filter(path__startswith=daoli.path, kind=OrgKind.COMMUNITY).order_by("path").first()


def _fill(page, place, started, notes, ended=""):
    page.fill("#id_started_on", started)
    page.fill("#id_ended_on", ended)
    page.select_option("#id_place", str(place.pk))
    page.fill("#id_women_met", "2")
    page.fill("#id_notes", notes)


def _wait_count(page, n):
    page.wait_for_selector(f"#fq-outbox .fq-outbox-count:text-is('待上传 {n} 条')", timeout=15000)


def _statuses(page):
    return page.evaluate(
        """async () => { const db = await idb.openDB("fuqing-outbox");
           const items = await db.getAll("items"); db.close(); return items.map(i => i.status); }"""
    )


@pytest.fixture
def weak_phone(browser, live_server):
    # the service worker is blocked so that page.route sees the form's POST (Playwright does not route
    # requests a service worker makes); a 2 s timeout instead of 15 s keeps the test short
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", service_workers="block"
    )
    context.set_default_timeout(20000)
    context.add_init_script("window.fqSubmitTimeout = 2000;")
    page = context.new_page()
    yield page
    context.close()


def test_plt6_weak_network_post_fails_or_times_out_goes_to_outbox_and_is_sent_once(
    weak_phone, live_server, demo
):
    page = weak_phone
    place = _place()
    before = Visit.objects.count()
    login(page, live_server, "daoli")
    page.goto(f"{live_server.url}/fieldwork/visits/add/")

    # online, but the connection drops: the POST is aborted
    page.route(ADD, lambda r: r.abort() if r.request.method == "POST" else r.continue_())
    _fill(page, place, "2014-06-01", "弱网第一条")
    page.click("main button[type=submit]")
    _wait_count(page, 1)
    assert "网络不畅，已存入待上传" in page.locator("#fq-outbox").inner_text()
    assert Visit.objects.count() == before
    page.unroute(ADD)

    # online, but the server's answer never comes within the timeout
    held = []
    page.route(ADD, lambda r: held.append(r) if r.request.method == "POST" else r.continue_())
    page.wait_for_selector("#id_notes")
    _fill(page, place, "2014-06-02", "弱网第二条")
    page.click("main button[type=submit]")
    _wait_count(page, 2)
    assert held, "the POST was made and held"
    assert "网络不畅" in page.locator("#fq-outbox").inner_text()
    assert Visit.objects.count() == before  # nothing reached the server
    page.unroute(ADD)
    page.wait_for_function(
        "async () => (await (async () => { const db = await idb.openDB('fuqing-outbox');"
        " const s = (await db.getAll('items')).map(i => i.status); db.close(); return s; })())"
        ".every(s => s === 'pending')"
    )

    # the network works again: sent once, in order; sending again makes nothing twice
    page.evaluate("() => window.fqOutbox.flush()")
    _wait_count(page, 0)
    assert _statuses(page) == ["sent", "sent"]
    page.evaluate("() => window.fqOutbox.flush()")
    assert Visit.objects.filter(notes="弱网第一条").count() == 1
    assert Visit.objects.filter(notes="弱网第二条").count() == 1
    assert Visit.objects.count() == before + 2


def test_plt6_online_save_through_fetch_follows_redirect_and_error_summary(weak_phone, live_server, demo):
    page = weak_phone
    place = _place()
    before = Visit.objects.count()
    login(page, live_server, "daoli")
    page.goto(f"{live_server.url}/fieldwork/visits/add/")

    # the server refuses it: the form comes back with its error summary and what was typed
    _fill(page, place, "2014-06-08", "结束早于开始", ended="2014-06-01")
    page.click("main button[type=submit]")
    page.wait_for_selector("main [data-error-summary]")
    assert "结束日期" in page.locator("main [data-error-summary]").inner_text()
    assert page.input_value("#id_notes") == "结束早于开始"
    assert page.url.endswith("/fieldwork/visits/add/")
    assert Visit.objects.count() == before

    # fixed and saved: the page the server redirects to, with its message; nothing in the outbox
    page.fill("#id_ended_on", "2014-06-09")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/fieldwork/visits/[0-9a-f-]{36}/$"))
    page.wait_for_selector("text=走访已记录")
    assert Visit.objects.filter(notes="结束早于开始").count() == 1
    assert _statuses(page) == []
