"""Issue 10 point 9 for page forms: bad input never gives a 500, one field at a time.

Every page route that shows a form (``@scoped(..., "create" | "change")``) is shown to a user who may use
it; its rendered ``<form method="post">`` is read back, and each numeric, date or free-text field is posted
with each class of bad value while every other field keeps the value the page rendered. The answer is
never a 5xx, and unless it is a redirect after a legitimate save nothing was written (the row counts of
every scoped model are unchanged). A new form is covered by declaring its route; nobody edits this file.
"""

from __future__ import annotations

import uuid
from html.parser import HTMLParser

import pytest
from django import forms as dj

from fuqing.core.scoping import scoped_models
from tests.conftest import login, make_user
from tests.routes import all_routes
from tests.scoped_factories import FACTORIES

pytestmark = pytest.mark.filterwarnings("ignore")

BAD = {
    "count": [str(2**63), str(10**20)],
    "amount": ["1e40", "NaN", "-1e40"],
    "date": ["0001-01-01", "9999-12-31", "2014-02-30"],
    "text": ["a\x00b", "长" * 100_000],
}
GOOD = {"count": "1", "amount": "1", "date": "2014-04-15", "text": "测试"}
TEXT_TYPES = {"text", "search", "email", "url", "tel", "textarea", None}
SKIP_TYPES = {"submit", "button", "reset", "file", "image", "password"}
FIELDS_PER_CLASS = 4  # sample: at most this many fields of each class per form (spread over the form)


def form_routes():
    return [
        r
        for r in all_routes()
        if not r.is_api and r.info is not None and r.info["action"] in ("create", "change")
    ]


class _Forms(HTMLParser):
    """The post forms of a page: a list of ``[(name, kind, value, attrs)]``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.current = None
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action"),
                "fields": [],
            }
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in SKIP_TYPES or (kind in ("checkbox", "radio") and "checked" not in a):
                return
            self.current["fields"].append([a["name"], kind, a.get("value") or "", a])
        elif tag == "select" and a.get("name"):
            self.select = [a["name"], "select", None, a, [], "multiple" in a]
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            if "selected" in a:
                self.select[4].append(value)
            elif self.select[2] is None or (self.select[2] == "" and value):
                self.select[2] = value  # the first real option: what a user would pick
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], "textarea", "", a]
            self.current["fields"].append(self.textarea)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "textarea":
            if self.textarea is not None and self.textarea[2].startswith("\n"):
                self.textarea[2] = self.textarea[2][1:]
            self.textarea = None
        elif tag == "select" and self.select is not None and self.current is not None:
            name, _, first, a, chosen, multiple = self.select
            if chosen:
                for value in chosen if multiple else chosen[-1:]:
                    self.current["fields"].append([name, "select", value, a])
            elif not multiple and first is not None:
                self.current["fields"].append([name, "select", first, a])
            self.select = None


def _the_form(html: str, action: str | None = None):
    """The biggest post form of a page (``action``: the one posting there)."""
    parser = _Forms()
    parser.feed(html)
    posts = [
        f
        for f in parser.forms
        if f["method"] == "post"
        and not (f["action"] or "").rstrip("/").endswith(("logout", "i18n/setlang"))
        and (action is None or (f["action"] or "").split("?")[0] == action)
    ]
    return max(posts, key=lambda f: len(f["fields"]), default=None)


def _classify(name, kind, attrs, django_field) -> str | None:
    if isinstance(django_field, dj.DecimalField | dj.FloatField):
        return "amount"
    if isinstance(django_field, dj.IntegerField) and not isinstance(django_field, dj.TypedChoiceField):
        return "count"
    if isinstance(django_field, dj.DateField | dj.DateTimeField):
        return "date"
    if kind == "number":
        step = attrs.get("step") or "1"
        return "count" if step.isdigit() else "amount"
    if kind in ("date", "datetime-local"):
        return "date"
    if isinstance(django_field, dj.ChoiceField | dj.ModelChoiceField | dj.BooleanField):
        return None
    if kind in TEXT_TYPES or isinstance(django_field, dj.CharField):
        return "text" if kind not in ("hidden", "select", "checkbox", "radio") else None
    return None


def _sample(names: list[str]) -> list[str]:
    if len(names) <= FIELDS_PER_CLASS:
        return names
    step = len(names) / FIELDS_PER_CLASS
    return [names[int(i * step)] for i in range(FIELDS_PER_CLASS)]


def _counts() -> dict:
    return {m._meta.label: m._default_manager.count() for m in scoped_models()}


@pytest.fixture
def users(tree, daoli, city_leader, sysadmin, district_sysadmin, secadmin):
    cadre = make_user(tree.a, "cadre", "caseworker", username="bad_cadre")
    return [daoli, cadre, city_leader, district_sysadmin, sysadmin, secadmin]


def _show(client, route, obj, users):
    """The page as the first user who may use it (logged in), or None."""
    kwargs = {}
    if route.converters:
        info = route.info
        kwargs = {info["kwarg"]: getattr(obj, info["lookup"])}
    url = route.url(**kwargs)
    for user in users:
        client.logout()
        login(client, user)
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            form = _the_form(response.content.decode())
            if form is not None and form["fields"]:
                return url, response, form
        elif response.status_code == 405 and route.converters:
            # a form posted from the object's own page (a detail page's dialog or side form)
            info = route.info
            for page_route in all_routes():
                page_info = page_route.info
                if (
                    page_route.is_api
                    or page_info is None
                    or page_info["action"] != "read"
                    or page_info["model"] is not info["model"]
                    or set(page_route.converters) != set(route.converters)
                ):
                    continue
                page = client.get(page_route.url(**kwargs))
                if page.status_code == 200:
                    form = _the_form(page.content.decode(), action=url)
                    if form is not None and form["fields"]:
                        return url, page, form
    return url, None, None


@pytest.mark.parametrize("route", form_routes(), ids=lambda r: r.name)
def test_plt3_every_form_field_fed_bad_values_one_at_a_time_never_gives_a_500(
    route, tree, daoli, users, client
):
    obj = None
    if route.converters:
        obj = FACTORIES[route.info["model"]](tree.a, f"MARK-{uuid.uuid4().hex[:8]}", daoli)
    url, page, form = _show(client, route, obj, users)
    if page is None:
        pytest.skip(f"{route.name}: no form on GET for any user (an action posted from another page)")
    django_form = page.context.get("form") if page.context else None
    django_fields = getattr(django_form, "fields", {}) or {}
    prefix = getattr(django_form, "prefix", None)

    def django_field(name):
        if prefix and name.startswith(prefix + "-"):
            name = name[len(prefix) + 1 :]
        return django_fields.get(name)

    by_class: dict[str, list[str]] = {}
    for name, kind, _value, attrs in form["fields"]:
        cls = _classify(name, kind, attrs, django_field(name))
        if cls and name not in by_class.setdefault(cls, []) and name != "csrfmiddlewaretoken":
            by_class[cls].append(name)
    base: dict[str, list[str]] = {}
    for name, _kind, value, _attrs in form["fields"]:
        cls = _classify(name, kind, _attrs, django_field(name))
        if not value and cls and name != "csrfmiddlewaretoken":
            value = GOOD[cls]  # an empty field filled as a user would, so the bad one is what is refused
        base.setdefault(name, []).append(value)
    target = form["action"] or url

    problems, tried = [], 0
    before = _counts()
    for cls, names in by_class.items():
        for name in _sample(names):
            for bad in BAD[cls]:
                data = {**base, name: [bad]}
                tried += 1
                try:
                    response = client.post(target, data)
                except Exception as exc:  # a test client re-raises what a view raised
                    problems.append((name, bad[:20], type(exc).__name__, str(exc)[:120]))
                    continue
                if response.status_code >= 500:
                    problems.append((name, bad[:20], response.status_code))
                    continue
                after = _counts()
                if response.status_code in (301, 302, 303):
                    before = after  # a legitimate save
                elif after != before:
                    changed = {k: (before[k], after[k]) for k in after if after[k] != before[k]}
                    problems.append((name, bad[:20], response.status_code, "wrote", changed))
                    before = after
    assert problems == [], problems


def test_plt3_a_nul_posted_to_a_value_a_view_reads_itself_is_refused_before_the_database(
    tree, daoli, login_as
):
    """Found by the walk above on PostgreSQL: the merge page reads ``file_number`` from the POST itself,
    and a NUL in it reached the database (DataError, 500). Any posted field with a NUL is now refused
    once, before the view, naming the field; nothing is written."""
    from django.urls import reverse

    from fuqing.registry.models import Woman

    woman = FACTORIES[Woman](tree.a, "MARK-nul", daoli)
    client = login_as(daoli)
    before = _counts()
    response = client.post(reverse("registry:merge", args=[woman.pk]), {"file_number": "a\x00b"})
    assert response.status_code == 400 and "file_number" in response.content.decode()
    assert _counts() == before
