"""PLT-6 on a 375×812 phone with the network switched off and on by the test: the visit form keeps working
offline through the service worker; what is saved goes to an encrypted outbox ("待上传 n 条") that
survives reloads and closing the browser; back online it is sent once, in order, each item marked sent;
a rejected item keeps the server's message to fix and resend; logging out warns and leaves nothing behind."""

import pytest

from fuqing.fieldwork.models import Visit
from fuqing.orgs.models import Org, OrgKind
from tests.e2e.conftest import CHROMIUM, LAUNCH_ARGS, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECRET = "王秀芝家里老人卧床"  # personal data typed into the form: never readable in the outbox

READ_OUTBOX = """async () => {
  const db = await idb.openDB("fuqing-outbox");
  const items = await db.getAll("items");
  const key = await db.get("keys", "aes");
  let exported = true;
  try { await crypto.subtle.exportKey("raw", key); } catch (e) { exported = false; }
  const decoded = items.map(i => i.data ? new TextDecoder("utf-8", {fatal: false}).decode(i.data) : "");
  db.close();
  return {
    statuses: items.map(i => i.status),
    raw: JSON.stringify(items) + decoded.join(""),
    isKey: key instanceof CryptoKey, extractable: key.extractable, exported,
  };
}"""


def _place():
    daoli = Org.objects.get(name="道里区妇联")
    return Org.objects.filter(path__startswith=daoli.path, kind=OrgKind.COMMUNITY).order_by("path").first()


def _phone(browser, profile):
    """A phone's browser with its own profile on disk: closing it and starting it again keeps what it
    stored (IndexedDB, the service worker and its caches), as closing a phone's browser does."""
    return browser.browser_type.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=LAUNCH_ARGS,
        viewport={"width": 375, "height": 812},
        locale="zh-CN",
    )


def _wait_count(page, n):
    page.wait_for_selector(f"#fq-outbox .fq-outbox-count:text-is('待上传 {n} 条')")


def _fill_visit(page, place, started, ended="", notes=""):
    page.fill("#id_started_on", started)
    page.fill("#id_ended_on", ended)
    page.select_option("#id_place", str(place.pk))
    page.fill("#id_women_met", "3")
    page.fill("#id_notes", notes)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("main button[type=submit]")


def test_plt6_offline_visits_go_to_an_encrypted_outbox_and_are_sent_once(
    browser, live_server, demo, tmp_path
):
    place = _place()
    before = Visit.objects.count()
    context = _phone(browser, tmp_path / "profile")
    page = context.new_page()
    login(page, live_server, "daoli")
    add = f"{live_server.url}/fieldwork/visits/add/"
    page.goto(add)
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.wait_for_function(
        """async () => { const c = await caches.open("fq-pages-v1");
           return !!(await c.match(location.origin + "/fieldwork/visits/add/"))
               && !!(await c.match(location.origin + "/assistance/needs/add/")); }""",
        polling=200,
    )

    # the network goes: the form still opens (service worker) and saving keeps the visit on the phone
    context.set_offline(True)
    page.reload(wait_until="domcontentloaded")
    assert page.locator("form[data-offline]").count() == 1
    _fill_visit(page, place, "2014-05-06", notes=SECRET)
    _wait_count(page, 1)
    assert "没有网络" in page.locator("#fq-outbox").inner_text()
    # a second one the server will refuse: it ends before it starts
    _fill_visit(page, place, "2014-05-08", ended="2014-05-01", notes="第二次")
    _wait_count(page, 2)
    shot(page, "offline-outbox-phone")
    stored = page.evaluate(READ_OUTBOX)
    assert stored["statuses"] == ["pending", "pending"]
    assert SECRET not in stored["raw"] and "第二次" not in stored["raw"]  # AES-GCM in the browser
    assert stored["isKey"] and stored["extractable"] is False and stored["exported"] is False

    # the need form and an open questionnaire open offline too (kept by the service worker)
    page.goto(f"{live_server.url}/assistance/needs/add/")
    assert page.locator("form[data-offline]").count() == 1
    fill = page.evaluate(
        """async () => (await (await caches.open("fq-pages-v1")).keys()).map(r => new URL(r.url).pathname)
                       .filter(p => p.endsWith("/fill/"))"""
    )
    assert fill, "an open questionnaire of the demo is kept for offline filling"
    page.goto(live_server.url + fill[0])
    assert page.locator("form[data-offline][data-fq-questionnaire]").count() == 1

    # the outbox survives a reload, and closing the browser and starting it again, still offline (the
    # session ends with the browser)
    page.goto(add)
    page.reload()
    _wait_count(page, 2)
    context.close()
    context = _phone(browser, tmp_path / "profile")
    context.set_offline(True)
    page = context.new_page()
    page.goto(add, wait_until="commit")
    _wait_count(page, 2)
    assert Visit.objects.count() == before  # nothing reached the server

    # the network returns: the login has ended with the browser, so nothing is sent until she logs in
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#fq-outbox .fq-outbox-message:has-text('登录已过期')")
    assert Visit.objects.count() == before
    # logged in again: sent once, in order; the first marked sent, the second back with the reason
    page.goto(f"{live_server.url}/login/", wait_until="domcontentloaded")
    page.fill("#id_username", "daoli")
    page.fill("#id_password", "Fuqing@2014")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("button[type=submit]")
    page.wait_for_selector("#fq-outbox .fq-outbox-item[data-status=rejected]")
    page.wait_for_selector("#fq-outbox .fq-outbox-item[data-status=sent]")
    assert Visit.objects.count() == before + 1
    assert Visit.objects.filter(notes=SECRET).count() == 1
    _wait_count(page, 1)
    assert "结束日期" in page.locator("#fq-outbox .fq-outbox-message").inner_text()
    page.evaluate("() => window.fqOutbox.flush()")  # sending again sends nothing twice
    assert Visit.objects.filter(notes=SECRET).count() == 1
    shot(page, "offline-outbox-sent-phone")

    # fix and resend: the rejected visit comes back into its form
    page.click("#fq-outbox [data-outbox-action=edit]")
    page.wait_for_function("() => document.querySelector('#id_notes')?.value === '第二次'")
    page.fill("#id_ended_on", "2014-05-08")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("main button[type=submit]")
    _wait_count(page, 0)
    assert Visit.objects.filter(notes="第二次", ended_on="2014-05-08").count() == 1

    # one more refused, then logging out warns about it and clears the outbox and the pages kept
    context.set_offline(True)
    page.goto(add, wait_until="domcontentloaded")
    _fill_visit(page, place, "2014-05-09", ended="2014-05-02", notes="第三次")
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#fq-outbox .fq-outbox-item[data-status=rejected]")
    warnings = []
    page.on("dialog", lambda dialog: (warnings.append(dialog.message), dialog.accept()))
    page.evaluate("() => document.querySelector(\"form[action$='/logout/']\").requestSubmit()")
    page.wait_for_url("**/login/**")
    assert warnings and "1 条" in warnings[0]
    left = page.evaluate(
        """async () => ({ dbs: (await indexedDB.databases()).map(d => d.name),
                          caches: await caches.keys() })"""
    )
    assert "fuqing-outbox" not in left["dbs"] and left["caches"] == []
    context.close()
