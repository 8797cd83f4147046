"""The access matrix (ORG-3, SEC-1, SEC-2): roles × own unit / child / parent / sibling / unrelated ×
list, read, change, delete, export — for every scoped model and every route, discovered by itself.

A new scoped model is covered once it has a factory in tests/scoped_factories.py (the test fails until it
does); every new route — page, form, search, API operation, ledger template or import — is covered once it
says what it does with ``@scoped`` or why it touches no one's data with ``@unscoped`` (the test fails until
it does). Nobody edits this file to cover them.

Besides the id matrix (route × role × position): every page without an id shows nothing of another
district (add forms' choice lists and searches included); every write — form POST, API POST/PUT/PATCH,
ledger import — given another district's ids in each of its foreign-key fields writes nothing and shows
nothing of it; and in scope every change or delete is proven by the change happening.
"""

from __future__ import annotations

import inspect
import io
import json
import re
import typing
import uuid
from html.parser import HTMLParser

import openpyxl
import pytest

from fuqing.core.models import Job
from fuqing.core.scoping import scoped_models
from fuqing.orgs.models import ApiToken
from tests.conftest import login, make_user
from tests.routes import all_routes, api_methods
from tests.scoped_factories import FACTORIES

POSITIONS = ["own", "child", "parent", "sibling", "unrelated"]
CAST_ROLES = {
    "leader": ["leader"],
    "cadre": ["cadre"],
    "caseworker": ["caseworker"],
    "volunteer": ["volunteer"],
    "system_admin": ["system-admin"],
    "security_admin": ["security-admin"],
    "audit_admin": ["audit-admin"],
    "no_role": [],
}


def expected_visible(model, position: str) -> bool:
    if position in ("own", "child"):
        return True
    return position == "parent" and getattr(model, "scope_inherits_down", False)


def expected_editable(position: str) -> bool:
    return position in ("own", "child")


@pytest.fixture
def cast(tree):
    """Users of every role at district A — the viewers of the matrix."""
    return {name: make_user(tree.a, *roles, username=f"cast_{name}") for name, roles in CAST_ROLES.items()}


def _models():
    return sorted(scoped_models(), key=lambda m: m._meta.label)


# --- the model layer ------------------------------------------------------------------------------


def test_sec1_every_model_of_the_platform_is_scoped_or_declared_configuration():
    """SEC-1: a model holding federation data without an organisation link is an error."""
    from django.apps import apps

    # Platform-wide configuration (roles, dictionaries) says so with ``scope_exempt = "<why>"``.
    unscoped = [
        m._meta.label
        for m in apps.get_models()
        if m.__module__.startswith("fuqing.")
        and m not in scoped_models()
        and not getattr(m, "scope_exempt", "")
    ]
    assert unscoped == [], f"models without scoping: {unscoped}"
    # through tables of scoped models (e.g. User.roles) are covered by their owner
    missing = [m._meta.label for m in _models() if m not in FACTORIES]
    assert missing == [], f"scoped models without a factory in tests/scoped_factories.py: {missing}"


@pytest.mark.parametrize("model", _models(), ids=lambda m: m._meta.label)
@pytest.mark.parametrize("position", POSITIONS)
def test_org3_scoped_manager_filters_every_model(model, position, tree, cast):
    """ORG-3/SEC-2: list, count and change through the one door follow the scope for every role."""
    viewer = cast["leader"]
    obj = FACTORIES[model](tree.positions()[position], f"MARK-{uuid.uuid4().hex[:8]}", viewer)
    for name, user in cast.items():
        visible = model._default_manager.visible_to(user)
        editable = model._default_manager.editable_by(user)
        has_role = bool(CAST_ROLES[name])
        # A volunteer's scope is narrowed per model (scope_volunteer): she sees only what the model declares
        # open to her ("*"), never another cadre's row, and changes nothing through the door.
        narrowed = name == "volunteer" and getattr(model, "scope_volunteer", None) != "*"
        may_see = has_role and not narrowed and expected_visible(model, position)
        may_edit = has_role and name != "volunteer" and expected_editable(position)
        assert visible.filter(pk=obj.pk).exists() == may_see, name
        assert visible.filter(pk=obj.pk).count() == int(may_see), name
        assert editable.filter(pk=obj.pk).exists() == may_edit, name


# --- the route layer ------------------------------------------------------------------------------


ID_ACTIONS = ("list", "read", "change", "delete", "export")


def _declared_routes():
    routes = []
    for route in all_routes():
        info = route.info
        if info is not None and info["action"] in ID_ACTIONS:
            for method in api_methods(route) if route.is_api else [info["method"]]:
                routes.append((route, info, method))
    return routes


def test_sec2_every_route_declares_itself_scoped_or_not():
    """SEC-2: every route — with an id or not, page or API operation — says which scoped model it
    reads or writes (``@scoped``), or why it touches no one's data (``@unscoped``)."""
    undeclared = [
        f"{route.pattern} {'/'.join(route.methods)}"
        for route in all_routes()
        if route.info is None and not route.unscoped_reason
    ]
    assert undeclared == [], f"routes that declare nothing (add @scoped or @unscoped): {undeclared}"


def test_sec2_undeclared_route_is_caught():
    """The check above sees a route that says nothing (a view without a declaration)."""
    from tests.routes import Route

    def bare(request):
        return None

    route = Route("x", "x/", {}, bare)
    assert route.info is None and not route.unscoped_reason


def _main(body: bytes) -> str:
    """The visible text of the page's own content. The top bar shows the user's own lineage, and
    inputs and links echo the query; neither is data access."""
    text = body.decode("utf-8", errors="replace")
    start = text.find("<main")
    if start >= 0:
        text = text[start : text.find("</main>", start)]
    return re.sub(r"<[^>]+>", " ", text)


def _response_text(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        content = b"".join(response.streaming_content)
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
        )
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", errors="replace")
    return (
        _main(response.content) if "html" in response.get("Content-Type", "") else response.content.decode()
    )


def _request(client, route, info, method, obj, marker, token=None):
    kwargs = {}
    if route.converters:
        kwargs = {info["kwarg"]: getattr(obj, info["lookup"])}
    url = route.url(**kwargs)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = {"q": marker} if method == "GET" else {}
    if method == "GET":
        response = client.get(url, data, **headers)
        if response.status_code == 302 and response.url.split("?")[0] == url:
            # a personal search term moved out of the URL behind a token (core.searches): follow it
            response = client.get(response.url, **headers)
        return response
    return client.generic(
        method,
        url,
        b"{}" if route.is_api else b"",
        content_type="application/json" if route.is_api else "application/x-www-form-urlencoded",
        **headers,
    )


def _token(user) -> str:
    from django.utils import timezone

    from fuqing.api.auth import TOKEN_PREFIX, digest

    raw = TOKEN_PREFIX + uuid.uuid4().hex
    ApiToken.objects.create(
        user=user, digest=digest(raw), prefix=raw[:8], expires_at=timezone.now() + timezone.timedelta(hours=1)
    )
    return raw


ROUTES = _declared_routes()


@pytest.mark.parametrize(("route", "info", "method"), ROUTES, ids=[f"{r.name}-{m}" for r, _i, m in ROUTES])
@pytest.mark.parametrize("position", POSITIONS)
def test_sec2_access_matrix(route, info, method, position, tree, cast, client):
    """SEC-2: each role × position × route: out of scope is 404 (or absent from lists and exports);
    in scope, some role of the cast can do it (for changes and deletes, that the change really happens is
    test_sec2_in_scope_change_is_proven_by_the_change's to prove)."""
    model, action = info["model"], info["action"]
    marker = f"MARK-{uuid.uuid4().hex[:8]}"
    obj = FACTORIES[model](tree.positions()[position], marker, cast["leader"])
    allowed = (
        expected_editable(position) if action in ("change", "delete") else expected_visible(model, position)
    )
    successes = []
    for name, user in cast.items():
        client.logout()
        token = None
        if route.is_api:
            token = _token(user)
        else:
            login(client, user)
        response = _request(client, route, info, method, obj, marker, token)
        status = response.status_code
        if action in ("list", "export"):
            shown = status == 200 and marker in _response_text(response)
            if not allowed:
                assert not shown, f"{name} saw an out-of-scope row in {route.pattern}"
            elif shown:
                successes.append(name)
        else:
            if not allowed:
                if action in ("change", "delete") and expected_visible(model, position):
                    assert status in (403, 404), (
                        f"{name} changed a read-only row via {route.pattern}: {status}"
                    )
                else:
                    assert status == 404, (
                        f"{name} got {status} for an out-of-scope {model.__name__} at {route.pattern}"
                    )
            elif status not in (403, 404, 401, 405):
                successes.append(name)
    if allowed:
        assert successes, (
            f"no role of the cast could {action} an in-scope {model.__name__} via {route.pattern}"
        )


# --- every page, every write: nothing of another district in, nothing out --------------------------
#
# The foreign rows live in the sibling district (B) and the unrelated city; the cast is at district A.
# Rows a refused write may legitimately leave behind are not "data written": the audit trail, the
# caller's own session, token, background job and its reminder.
NOT_DATA = {"AuditEvent", "LoginSession", "ApiToken", "Job", "Reminder"}
FOREIGN = ("sibling", "unrelated")


class _Forms(HTMLParser):
    """The POST forms of a page, each as the fields a browser would send (name, value)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = None
            if (a.get("method") or "get").lower() == "post":
                self._form = {
                    "action": a.get("action") or "",
                    "fields": [],
                    "text": [],
                    "files": [],
                    "names": [],
                }
                self.forms.append(self._form)
            return
        form, name = self._form, a.get("name")
        if form is None:
            return
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                form["files"].append(name)
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            form["names"].append(name)
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form["fields"].append((name, a.get("value") or "on"))
                return
            form["fields"].append((name, a.get("value") or ""))
            if kind == "text" and not a.get("readonly"):
                form["text"].append(name)
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in a, "selected": [], "first": None}
            form["names"].append(name)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["selected"].append(value)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            form["names"].append(name)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        form = self._form
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            if form is not None:
                if select["multiple"]:
                    form["fields"].extend((select["name"], v) for v in select["selected"])
                else:
                    value = select["selected"][0] if select["selected"] else select["first"] or ""
                    form["fields"].append((select["name"], value))
        elif tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            self._textarea = None
            if form is not None:
                form["fields"].append((name, value.strip("\n")))
                form["text"].append(name)


def _form_of(response, url: str) -> dict | None:
    """The page's own POST form (the one posting to its own URL, the largest of them)."""
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return None
    parser = _Forms()
    parser.feed(response.content.decode("utf-8", errors="replace"))
    own = [f for f in parser.forms if f["action"] in ("", url, ".") and f["names"]]
    return max(own, key=lambda f: len(f["names"])) if own else None


def _form_posting_to(client, route, obj, url, headers) -> dict | None:
    """The form that posts to ``url``: on its own page, or (for a POST-only action) on the page of the
    row or of the row it belongs to."""
    form = _form_of(client.get(url, **headers), url)
    if form is not None or obj is None:
        return form
    model = route.info["model"]
    owners = [(model, obj)] + [
        (f.related_model, getattr(obj, f.name))
        for f in model._meta.concrete_fields
        if f.many_to_one and f.related_model in FACTORIES and getattr(obj, f.attname) is not None
    ]
    for owner_model, owner in owners:
        for page in READ_PAGES.get(owner_model, []):
            info = page.info
            response = client.get(page.url(**{info["kwarg"]: getattr(owner, info["lookup"])}), **headers)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                parser = _Forms()
                parser.feed(response.content.decode("utf-8", errors="replace"))
                found = [f for f in parser.forms if f["action"] == url]
                if found:
                    return found[0]
    return None


def _body(form: dict) -> dict:
    body: dict = {}
    for name, value in form["fields"]:
        body.setdefault(name, []).append(value)
    return body


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _fk_model(model, name: str, declared: dict):
    """The scoped model a body field points at: declared, a relation of the route's model by that
    name, or a model named like the field (``need``, ``helper_users`` → User, ``given_by_org`` → Org)."""
    from django.core.exceptions import FieldDoesNotExist

    if name in declared:
        return declared[name]
    base = re.sub(r"_ids?$", "", name)
    for candidate in (base, _singular(base)):
        try:
            field = model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
        if not field.is_relation:
            return None  # a plain column of the row (a number, a text), whatever its name
        if field.related_model in FACTORIES:
            return field.related_model
    by_name = {m._meta.model_name: m for m in FACTORIES}
    for candidate in (base, _singular(base), base.split("_")[-1], _singular(base.split("_")[-1])):
        found = by_name.get(candidate.replace("_", ""))
        if found is not None:
            return found
    return None


def _related_models(model) -> set:
    related = {model}
    for field in model._meta.get_fields():
        if field.is_relation and (field.many_to_one or field.many_to_many or field.one_to_one):
            if field.concrete and field.related_model in FACTORIES:
                related.add(field.related_model)
    return related


def _foreign_world(tree, viewer, models) -> dict:
    """One row of each model in the sibling district and in the unrelated city: {position: {model: obj}}.
    Organisations last: their factory renames the position's organisation to the marker."""
    from fuqing.orgs.models import Org, User

    world = {p: {} for p in FOREIGN}
    models = sorted(set(models) | {User}, key=lambda m: m._meta.label)
    for position in FOREIGN:
        for model in [m for m in models if m is not Org] + [Org]:
            org = tree.positions()[position]
            world[position][model] = FACTORIES[model](org, f"MARK-{uuid.uuid4().hex[:8]}", viewer)
    return world


def _markers(world) -> list[str]:
    markers = []
    for objs in world.values():
        for obj in objs.values():
            for value in obj.__dict__.values():
                if isinstance(value, str) and value.startswith("MARK-"):
                    markers.append(value)
    return sorted(set(markers))


def _data_counts() -> dict:
    return {m._meta.label: m._base_manager.count() for m in FACTORIES if m.__name__ not in NOT_DATA}


def _row(obj) -> dict | None:
    return type(obj)._base_manager.filter(pk=obj.pk).values().first()


def _client_for(client, route, user):
    client.logout()
    if route.is_api:
        return {"HTTP_AUTHORIZATION": f"Bearer {_token(user)}"}
    login(client, user)
    return {}


def _send(client, route, method, url, body, headers):
    if route.is_api:
        return client.generic(
            method, url, json.dumps(body, default=str), content_type="application/json", **headers
        )
    return client.post(url, body, **headers)


def _payload_fields(route) -> dict:
    """An API operation's body schema: {field name: annotation}."""
    for annotation in typing.get_type_hints(inspect.unwrap(route.view)).values():
        if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
            return {name: f for name, f in annotation.model_fields.items()}
    return {}


def _api_value(annotation_text: str, fmodel, obj):
    from fuqing.orgs.models import User

    value = obj.username if fmodel is User and "str" in annotation_text else obj.pk
    value = str(value) if isinstance(value, uuid.UUID) or "str" in annotation_text else value
    return [value] if "list" in annotation_text else value


def _routes_of(actions, api=None):
    found = []
    for route in all_routes():
        info = route.info
        if info is not None and info["action"] in actions and (api is None or route.is_api == api):
            found.append(route)
    return found


PAGES = [
    r
    for r in all_routes()
    if not r.converters
    and "GET" in r.methods
    and ((r.info is not None and r.info["action"] in ("page", "create", "template")) or r.unscoped_reason)
    and r.name not in ("logout", "set_language")
]


@pytest.mark.parametrize("route", PAGES, ids=[r.key for r in PAGES])
def test_sec2_pages_without_id_show_nothing_foreign(route, tree, cast, client):
    """SEC-2: add forms (their choice lists and pickers), searches, help pages, templates: no role of
    district A sees a row of the sibling district or of the unrelated city, even when searching for it."""
    from fuqing.registry.models import Woman

    model = route.info["model"] if route.info else Woman
    world = _foreign_world(tree, cast["leader"], _related_models(model))
    markers = _markers(world)
    searched = next((m for m in markers if m in str(world["sibling"][model].__dict__)), markers[0])
    for name, user in cast.items():
        headers = _client_for(client, route, user)
        response = client.get(route.url(), {"q": searched, "woman_q": searched}, **headers)
        assert response.status_code < 500, f"{name}: {route.pattern} answered {response.status_code}"
        text = _response_text(response)
        shown = [m for m in markers if m in text]
        assert not shown, f"{name} saw rows of another district on {route.pattern}: {shown}"


WRITES = _routes_of(("create", "change", "delete"))


def _write_case(route, tree, cast, client):
    """What a write route takes: its URL (on an own-district object for a route with an id) and the
    body a browser or a client would send."""
    info = route.info
    obj = None
    kwargs = {}
    if route.converters:
        obj = FACTORIES[info["model"]](tree.a, f"MARK-{uuid.uuid4().hex[:8]}", cast["leader"])
        kwargs = {info["kwarg"]: getattr(obj, info["lookup"])}
    url = route.url(**kwargs)
    return obj, url


# The roles that write: a district's leader and cadre, and its administrators (units, users).
WRITERS = ["leader", "cadre", "system_admin", "security_admin"]


@pytest.mark.parametrize("route", WRITES, ids=[r.key for r in WRITES])
def test_sec2_writes_with_foreign_ids_write_nothing(route, tree, cast, client):
    """SEC-2: every write — form POST or API POST/PUT/PATCH — with the sibling district's (or the
    unrelated city's) ids in each of its foreign-key fields writes nothing and shows nothing of them.
    Forms are filled as the page offers them (so only the foreign ids are wrong), by each writing role
    the page is offered to; API bodies carry the foreign ids alone."""
    info = route.info
    model = info["model"]
    obj, url = _write_case(route, tree, cast, client)
    method = next(iter(route.methods)) if route.is_api else "POST"
    tried = 0
    world = None
    for role in WRITERS:
        headers = _client_for(client, route, cast[role])
        if route.is_api:
            fields = {n: str(f.annotation) for n, f in _payload_fields(route).items()}
            base: dict = {}
        else:
            form = _form_posting_to(client, route, obj, url, headers)
            if form is None:
                continue
            fields = {n: "" for n in form["names"]}
            base = _body(form)
        fks = {n: m for n in fields if (m := _fk_model(model, n, info["fk_fields"])) is not None}
        if not fks:
            continue
        if world is None:
            world = _foreign_world(tree, cast["leader"], {m for m in FACTORIES if m in set(fks.values())})
            markers = _markers(world)
        tried += 1
        for position in FOREIGN:
            body = dict(base)
            for name, fmodel in fks.items():
                foreign = world[position][fmodel]
                body[name] = _api_value(fields[name], fmodel, foreign) if route.is_api else [str(foreign.pk)]
            counts, before = _data_counts(), _row(obj) if obj is not None else None
            response = _send(client, route, method, url, body, headers)
            where = f"{route.pattern} as {role} with {position} ids in {sorted(fks)}"
            assert response.status_code < 500, f"{where}: {response.status_code}"
            assert _data_counts() == counts, f"{where} wrote rows"
            if obj is not None:
                assert _row(obj) == before, f"{where} changed the row"
            text = _response_text(response) if response.status_code != 302 else ""
            shown = [m for m in markers if m in text]
            assert not shown, f"{where} showed rows of another district: {shown}"
    if not tried:
        pytest.skip("no writing role is offered a body with a foreign-key field")


IMPORTS = _routes_of(("import",))


@pytest.mark.parametrize("route", IMPORTS, ids=[r.key for r in IMPORTS])
def test_sec2_ledger_import_of_another_districts_rows_writes_nothing(
    route, tree, cast, client, django_capture_on_commit_callbacks
):
    """SEC-2: district A uploads the sibling district's own export (its units, women, ids) into the
    ledger's import, 'valid rows only' ticked: nothing is written."""
    from fuqing.core.ledger import export_to_file, get_ledger

    ledger = get_ledger(route.name.removeprefix("ledger-import-"))
    outsider = make_user(tree.b, "leader", username="outsider_b")
    FACTORIES[route.info["model"]](tree.b, f"MARK-{uuid.uuid4().hex[:8]}", outsider)
    path, _count = export_to_file(ledger, outsider, unmasked=True)
    url = route.url()
    for role in WRITERS:  # the first writing role the upload is offered to
        headers = _client_for(client, route, cast[role])
        form = _form_of(client.get(url, **headers), url)
        if form is not None and form["files"]:
            break
    else:
        pytest.fail(f"{route.pattern} offers no writing role an upload form")
    body = _body(form)
    body["valid_only"] = ["on"]
    counts = _data_counts()
    with open(path, "rb") as upload, django_capture_on_commit_callbacks(execute=True):
        body[form["files"][0]] = upload
        response = client.post(url, body, **headers)  # the import job runs when the request commits
    assert response.status_code < 500
    job = Job.objects.filter(kind="ledger_import").latest("created_at")
    assert job.finished, f"{route.pattern}: the import job did not run ({job.status})"
    assert _data_counts() == counts, f"{route.pattern} imported the sibling district's rows"


CHANGES = [r for r in _routes_of(("change", "delete")) if r.converters]
# Changes the generic bodies (the form as offered with a free-text field changed, the API body's
# required fields) cannot drive: they need a row in a given state (a closed record to reopen, a
# published questionnaire, an escalation target), a second row (merge), a file, or a body the form builds with
# script (a split, criteria). Each needs a ``proof=`` or a richer factory; until then it is listed here
# and not run (the id matrix above still checks it out of scope).
PROOF_PENDING = frozenset(
    {
        "orgs:move",
        "orgs:user-roles",
        "orgs:user-password",
        "orgs:user-unlock",
        "orgs:user-grant",
        "campaigns:deadline-add",
        "campaigns:deadline-edit",
        "campaigns:obligation-submit",
        "campaigns:obligation-draft",
        "campaigns:plan-attach",
        "fieldwork:questionnaire-status",
        "fieldwork:question-add",
        "fieldwork:question-edit",
        "fieldwork:question-delete",
        "fieldwork:question-move",
        "registry:merge",
        "registry:close",
        "registry:reopen",
        "assistance:need-escalate",
        "assistance:need-reopen",
        "assistance:pairing-edit",
        "assistance:action-edit",
        "projects:split",
        "projects:volunteer-grant",
        "projects:pair-end",
        "research:topic-edit",
        "research:report-evidence",
        "research:report-action",
        "research:cup-criteria",
        "research:cup-judges",
        "research:cup-entries",
        "research:cup-publish",
        "research:book-edit",
        "job-valid-only",
        "api:api-woman-update-PATCH",
        "api:api-need-escalate-POST",
        "api:api-need-reopen-POST",
        "api:api-pairing-PATCH",
        "api:api-action-PATCH",
        "api:api-suggestion-outcome-POST",
        "api:api-indicator-create-POST",
        "api:api-split-save-PUT",
        "api:api-research-topic-update-PATCH",
        "api:api-research-report-transition-POST",
        "api:api-deadline-update-PATCH",
    }
)
READ_PAGES: dict = {}
for _page in _routes_of(("read",), api=False):
    READ_PAGES.setdefault(_page.info["model"], []).append(_page)
PROVERS = ["leader", "cadre", "caseworker", "volunteer", "system_admin", "security_admin", "audit_admin"]


FREE_TEXT = re.compile(r"note|description|remark|summary|explanation|reason|address|title|name|content|text")
NOT_FREE = re.compile(r"id_number|phone|code|username|email|password|_id$|^id$|year|number")


def _api_bodies(route, changed: str) -> list[dict]:
    """Bodies to try: the required fields with plain values and one free-text field changed; then
    every free-text field and date as well; then nothing."""
    model = route.info["model"]
    required, texts, dates = {}, [], []
    for name, field in _payload_fields(route).items():
        text = str(field.annotation)
        if _fk_model(model, name, route.info["fk_fields"]) is not None:
            continue
        if "date" in text:
            dates.append(name)
        elif "str" in text and "list" not in text and FREE_TEXT.search(name) and not NOT_FREE.search(name):
            texts.append(name)
        if field.is_required():
            required[name] = (
                []
                if "list" in text
                else changed
                if "str" in text
                else 1
                if "int" in text
                else "2026-06-01"
                if "date" in text
                else True
            )
    bodies = [{**required, **({texts[0]: changed} if texts else {})}]
    bodies.append({**required, **{n: changed for n in texts}, **{n: "2026-06-01" for n in dates}})
    return [*bodies, {}]


def _form_bodies(form: dict, changed: str) -> list[dict]:
    """Bodies to try: the form as offered with one free-text field changed (notes, names, titles
    first), a few in turn; then the form as offered."""
    body = _body(form)
    texts = [n for n in dict.fromkeys(form["text"]) if n in body and not NOT_FREE.search(n)]
    ordered = sorted(texts, key=lambda n: (not FREE_TEXT.search(n), texts.index(n)))
    return [{**body, name: [changed]} for name in ordered[:3]] + [body]


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(
            r,
            marks=pytest.mark.xfail(
                r.key in PROOF_PENDING, run=False, reason="no generic body drives this change yet"
            ),
        )
        for r in CHANGES
    ],
    ids=[r.key for r in CHANGES],
)
def test_sec2_in_scope_change_is_proven_by_the_change(route, tree, cast, client):
    """SEC-2: in scope, "may change" means the change happens: some role of district A changes (or
    deletes) an own-district row through the route, and a re-read of the row (or of the rows beside it)
    shows it — a non-403 answer is not enough."""
    info = route.info
    method = next(iter(route.methods)) if route.is_api else info["method"]
    tried = []
    obj = None
    for name in PROVERS:
        if obj is None or _row(obj) is None:  # one row for all roles (a refused role leaves it as it was)
            obj = FACTORIES[info["model"]](tree.a, f"MARK-{uuid.uuid4().hex[:8]}", cast["leader"])
        url = route.url(**{info["kwarg"]: getattr(obj, info["lookup"])})
        headers = _client_for(client, route, cast[name])
        changed = f"改{uuid.uuid4().hex[:6]}"
        if route.is_api:
            bodies = _api_bodies(route, changed)
        else:
            form = _form_posting_to(client, route, obj, url, headers)
            bodies = _form_bodies(form, changed) if form is not None else [{}]
        for body in bodies:
            before, counts = _row(obj), _data_counts()
            response = _send(client, route, method, url, body, headers)
            after = _row(obj)
            if info["proof"] is not None:
                proven = info["proof"](obj, after)
            else:
                proven = after is None or after != before or _data_counts() != counts
            if proven:
                assert response.status_code < 400, (
                    f"{route.pattern} changed the row and answered {response.status_code}"
                )
                return
            tried.append(f"{name}:{response.status_code}")
    pytest.fail(f"no role of district A changed an own {info['model'].__name__} via {route.pattern}: {tried}")


API_SEARCHES = [
    r
    for r in all_routes()
    if r.is_api
    and r.info is None
    and "POST" in r.methods
    and r.name not in ("api:api-token", "api:api-import")
]


@pytest.mark.parametrize("route", API_SEARCHES, ids=[r.key for r in API_SEARCHES])
def test_sec2_api_searches_by_body_find_nothing_foreign(route, tree, cast, client):
    """SEC-2: the API's searches that take the name or ID number in the body (not the URL) answer for
    the caller's scope only: the sibling's and the unrelated city's women are not found by name."""
    from fuqing.registry.models import Woman

    world = _foreign_world(tree, cast["leader"], {Woman})
    markers = _markers(world)
    for role in WRITERS:
        headers = _client_for(client, route, cast[role])
        for position in FOREIGN:
            woman = world[position][Woman]
            body = {
                name: woman.name if name in ("name", "q") else woman.id_number or woman.name
                for name, field in _payload_fields(route).items()
                if name in ("name", "q", "id_number")
            }
            counts = _data_counts()
            response = _send(client, route, "POST", route.url(), body, headers)
            assert response.status_code < 500, f"{route.pattern}: {response.status_code}"
            assert _data_counts() == counts
            shown = [m for m in markers if m in _response_text(response)]
            assert not shown, f"{route.pattern} as {role} found {position} women: {shown}"
