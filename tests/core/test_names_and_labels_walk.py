"""Issue 11 pt 7, as a user sees it: across the demo, pages name people (刘春梅), never their logins
(daoli_street), and dictionaries by their labels (单亲贫困母亲), never their codes (single-poor-mother).

Several demo users each open every page of their navigation and a few detail pages linked from them; the
visible text (not attributes, scripts or form values) is searched for every account's login and every
dictionary code. The account pages, where the login is the subject, are the only exception."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.test import Client

from fuqing.assistance.models import NeedCategory
from fuqing.core.navigation import navigation_for
from fuqing.orgs.models import User
from fuqing.registry.models import VulnerableGroup
from tests.conftest import login

# the city (widest scope), the research office, a street cadre, a volunteer and two administrators: every
# template a district cadre sees, the city's cadre sees too (with more records)
WALKERS = ["city", "research", "daoli_street", "volunteer", "auditor", "secadmin"]
DETAILS_PER_PAGE = 2
BUDGET_SECONDS = 60
# where the login is the subject: managing accounts, issuing a volunteer's account, signing in
ACCOUNT_PAGES = re.compile(r"^/(orgs/users/|projects/volunteer-accounts/|accounts?/|login)")
DETAIL_LINK = re.compile(r'href="(/[a-z_-]+/(?:[a-z_-]+/)*(?:\d+|[0-9a-f]{8}-[0-9a-f-]{27})/)"')
TOKEN = re.compile(r"[A-Za-z0-9_.@-]+")


class _VisibleText(HTMLParser):
    HIDDEN = {"script", "style", "template", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_words(html: str) -> set[str]:
    parser = _VisibleText()
    parser.feed(html)
    return set(TOKEN.findall(" ".join(parser.parts)))


def dictionary_codes() -> set[str]:
    """The dictionaries' codes, and every stored choice value that reads as a code (home_visit, …)."""
    codes = set(VulnerableGroup.objects.values_list("code", flat=True))
    codes |= set(NeedCategory.objects.values_list("code", flat=True))
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "choices", None) or []:
                if isinstance(value, str) and re.fullmatch(r"[a-z]+(?:[_-][a-z0-9]+)+", value):
                    codes.add(value)
    return codes


@pytest.fixture
def demo(db):
    from fuqing.core.loaders import load_all_demo

    load_all_demo("Demo@2014pass")


def walk(user: User) -> dict[str, str]:
    """Every navigation page of the user and a few detail pages linked from each: url → html."""
    client = Client()
    login(client, user)
    pages, queue = {}, [i["url"] for s in navigation_for(user) for i in s["items"]]
    seen = set(queue)
    while queue:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        if url.count("/") <= 3:  # a list page: follow a few of its records
            for link in [m for m in DETAIL_LINK.findall(html) if m not in seen][:DETAILS_PER_PAGE]:
                seen.add(link)
                queue.append(link)
    return pages


def test_issue11_pt7_pages_name_people_and_dictionary_labels_never_logins_or_codes(demo):
    started = time.monotonic()
    logins = set(User.objects.values_list("username", flat=True))
    codes = dictionary_codes()
    assert "single-poor-mother" in codes and "daoli_street" in logins
    found, visited = [], 0
    for username in WALKERS:
        for url, html in walk(User.objects.get(username=username)).items():
            visited += 1
            words = visible_words(html)
            if not ACCOUNT_PAGES.match(url):
                found += [(username, url, "login", w) for w in sorted(words & logins)]
            found += [(username, url, "code", w) for w in sorted(words & codes)]
    assert visited > 120  # the walk really went through the demo
    assert found == []
    assert time.monotonic() - started < BUDGET_SECONDS


def test_issue11_pt7_the_walk_would_catch_a_login_or_a_code():
    """The check itself: a page naming 'daoli_street' or 'single-poor-mother' in text is caught, while
    the same words in attributes, scripts or form values are not what a user reads."""
    html = (
        '<p>daoli_street 新增</p><td>single-poor-mother</td><input value="landless">'
        '<a href="/x/" title="daoli">x</a><script>var u="nangang"</script>'
    )
    assert visible_words(html) >= {"daoli_street", "single-poor-mother"}
    assert not visible_words(html) & {"landless", "daoli", "nangang"}
