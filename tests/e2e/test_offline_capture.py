"""PLT-6 on a 375×812 phone with the network switched off and on by the test: the visit form keeps working
offline through the service worker; what is saved goes to an encrypted outbox ("待上传 n 条") that
survives reloads and closing the browser; back online it is sent once, in order, each item marked sent;
a rejected item keeps the server's message to fix and resend; logging out warns and leaves nothing behind."""

import pytest

from fuqing.assistance.models import Need
from fuqing.fieldwork.models import Answer, Response, Visit
from fuqing.orgs.models import Org, OrgKind
from tests.e2e.conftest import CHROMIUM, LAUNCH_ARGS, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECRET = "王秀芝家里老人卧床"  # personal data typed into the form: never readable in the outbox
NEED_TEXT = "李桂兰丈夫工伤后无收入"  # a need's free text, and the group it belongs to
NEED_GROUP = "新阳路街道失业妇女"
ANSWER_TEXT = "希望帮我女儿张晓梅找工作"  # a questionnaire's free-text answer

READ_OUTBOX = """async () => {
  const db = await idb.openDB("fuqing-outbox");
  const items = await db.getAll("items");
  const key = await db.get("keys", "aes");
  let exported = true;
  try { await crypto.subtle.exportKey("raw", key); } catch (e) { exported = false; }
  const decoded = items.map(i => i.data ? new TextDecoder("utf-8", {fatal: false}).decode(i.data) : "");
  db.close();
  return {
    statuses: items.map(i => i.status), titles: items.map(i => i.title),
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


def _first_choice(page, selector):
    page.eval_on_selector(
        selector,
        "el => { el.value = [...el.options].find(o => o.value).value;"
        " el.dispatchEvent(new Event('change')); }",
    )


def _fill_need(page, place):
    """A new group need on the need form (no woman to search for: the registry needs the network)."""
    page.select_option("#id_org", str(place.pk))
    page.fill("#id_group_description", NEED_GROUP)
    page.fill("#id_group_size", "12")
    _first_choice(page, "#id_category")
    _first_choice(page, "#id_source")
    page.fill("#id_description", NEED_TEXT)
    page.fill("#id_reported_on", "2014-05-07")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("main button[type=submit]")


def _fill_response(page):
    """The demo questionnaire, for the cadre's own unit (preselected): age, employed (a required single
    choice) and the free-text need."""
    page.fill("#id_answered_on", "2014-05-07")
    page.fill("[name=q_age]", "36")
    page.check("[name=q_employed][value=yes]")
    page.fill("[name=q_need]", ANSWER_TEXT)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("main button[type=submit]:not([name=again])")


def test_plt6_offline_visits_go_to_an_encrypted_outbox_and_are_sent_once(
    browser, live_server, demo, tmp_path
):
    place = _place()
    before = Visit.objects.count()
    needs, responses = Need.objects.count(), Response.objects.count()
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

    # the need form and an open questionnaire open offline too (kept by the service worker), and what
    # is saved on them joins the same encrypted outbox
    page.goto(f"{live_server.url}/assistance/needs/add/")
    assert page.locator("form[data-offline]").count() == 1
    _fill_need(page, place)
    _wait_count(page, 3)
    fill = page.evaluate(
        """async () => (await (await caches.open("fq-pages-v1")).keys()).map(r => new URL(r.url).pathname)
                       .filter(p => p.endsWith("/fill/"))"""
    )
    assert fill, "an open questionnaire of the demo is kept for offline filling"
    page.goto(live_server.url + fill[0])
    assert page.locator("form[data-offline][data-fq-questionnaire]").count() == 1
    _fill_response(page)
    _wait_count(page, 4)
    stored = page.evaluate(READ_OUTBOX)
    assert stored["statuses"] == ["pending"] * 4
    assert stored["titles"][2] == "诉求" and stored["titles"][3].startswith("问卷")
    assert NEED_TEXT not in stored["raw"] and NEED_GROUP not in stored["raw"]
    assert ANSWER_TEXT not in stored["raw"]

    # the outbox survives a reload, and closing the browser and starting it again, still offline (the
    # session ends with the browser)
    page.goto(add)
    page.reload()
    _wait_count(page, 4)
    context.close()
    context = _phone(browser, tmp_path / "profile")
    context.set_offline(True)
    page = context.new_page()
    page.goto(add, wait_until="commit")
    _wait_count(page, 4)
    assert Visit.objects.count() == before  # nothing reached the server
    assert (Need.objects.count(), Response.objects.count()) == (needs, responses)

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
    # the need and the response behind the refused visit went on, each once, each marked sent
    assert page.evaluate(READ_OUTBOX)["statuses"] == ["sent", "rejected", "sent", "sent"]
    assert Need.objects.count() == needs + 1
    assert Need.objects.filter(description=NEED_TEXT, group_description=NEED_GROUP, org=place).count() == 1
    assert Response.objects.count() == responses + 1
    answer = Answer.objects.get(text=ANSWER_TEXT)
    assert answer.response.org.name == "道里区妇联" and answer.response.answers.filter(number=36).exists()
    page.evaluate("() => window.fqOutbox.flush()")  # sending again sends nothing twice
    assert Visit.objects.filter(notes=SECRET).count() == 1
    assert (Need.objects.count(), Response.objects.count()) == (needs + 1, responses + 1)
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
