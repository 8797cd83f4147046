"""The access matrix (ORG-3, SEC-1, SEC-2): roles × own unit / child / parent / sibling / unrelated ×
list, read, change, delete, export — for every scoped model and every route, discovered by itself.

A new scoped model is covered once it has a factory in tests/scoped_factories.py (the test fails until it
does); a new route with an object id is covered once it says what it does with ``@scoped`` (the test
fails until it does). Nobody edits this file to cover them.
"""

from __future__ import annotations

import io
import re
import uuid

import openpyxl
import pytest

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


def _declared_routes():
    routes = []
    for route in all_routes():
        info = route.info
        if info is not None:
            for method in api_methods(route) if route.is_api else [info["method"]]:
                routes.append((route, info, method))
    return routes


def test_sec2_every_route_with_an_object_id_declares_its_model():
    """SEC-2: a route taking an id must say which scoped model it reads or changes."""
    undeclared = []
    for route in all_routes():
        view = route.api_operation.view_func if route.api_operation is not None else route.callback
        if route.converters and route.info is None and not getattr(view, "unscoped_reason", None):
            undeclared.append(route.pattern)
    assert undeclared == []


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
        return client.get(url, data, **headers)
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
    in scope, some role of the cast can do it."""
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
