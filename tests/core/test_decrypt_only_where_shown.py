"""REG-3 / issue 10 point 5: personal data is decrypted only where its plain value is shown.

Every page and API operation that lists, reads or exports rows (discovered from the URL patterns and the
ninja routers, not a hand-picked few) and every registered ledger's export is run over a unit holding a
row of every scoped model, every encrypted column filled; the number of decryptions (``MultiFernet``'s
``decrypt``) must be zero. The only routes allowed to decrypt are those whose purpose is to show a plain
value to a user holding the permission (each writes an access-log row).
"""

from __future__ import annotations

import os
import uuid

import pytest
from cryptography.fernet import MultiFernet
from django.db import IntegrityError, transaction

from fuqing.core.crypto import encrypted_fields
from fuqing.core.ledger import export_to_file, ledgers, template_to_file
from tests.conftest import login
from tests.routes import all_routes, api_methods
from tests.scoped_factories import FACTORIES

# Routes whose purpose is the plain value (REG-3 unmask with a reason, REG-5 her own copy): they decrypt.
SHOWS_PLAIN = {
    "registry:unmask",
    "registry:export",
    "fieldwork:contact-point-reveal",
    "api-1.0:unmask_woman",
}


class Decryptions:
    def __init__(self):
        self.count = 0


@pytest.fixture
def decryptions(monkeypatch):
    counter = Decryptions()
    original = MultiFernet.decrypt

    def counting(self, token, ttl=None):
        counter.count += 1
        return original(self, token, ttl)

    monkeypatch.setattr(MultiFernet, "decrypt", counting)
    return counter


@pytest.fixture
def populated(tree, daoli):
    """One row of every scoped model in daoli's unit; every encrypted column of every row filled."""
    rows = {}
    for model, make in sorted(FACTORIES.items(), key=lambda item: item[0]._meta.label):
        for org in (tree.a, tree.a1, tree.a1a):  # some factories share a one-per-unit parent
            try:
                with transaction.atomic():
                    rows[model] = make(org, f"M{uuid.uuid4().hex[:8]}", daoli)
                break
            except IntegrityError:
                continue
    assert len(rows) == len(FACTORIES)
    # every row that can name a woman names one (group needs, household pairings …): lists and ledgers
    # that load her with the row are then tried too
    from fuqing.registry.models import Woman

    woman = rows[Woman]
    for model in rows:
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Woman and field.null:
                model._base_manager.filter(**{f"{field.name}__isnull": True}).update(**{field.name: woman})
    for model, name in encrypted_fields():
        manager = model._base_manager
        for pk in manager.values_list("pk", flat=True):
            # the id number differs per row (the active-record uniqueness holds on its blind index)
            value = "高血压，定期复查" if name == "health_notes" else f"1381234{abs(hash(pk)) % 10000:04d}"
            manager.filter(pk=pk).update(**{name: value})
    return rows


def _routes_to_try():
    """(route, kwargs-from-model or None, is_api) for every GET that lists, reads or exports."""
    chosen = []
    for route in all_routes():
        methods = api_methods(route) if route.is_api else ["GET"]
        if "GET" not in methods:
            continue
        info = route.info
        if route.converters:
            if info is None or info["action"] not in ("list", "read", "export") or info["method"] != "GET":
                continue
        chosen.append(route)
    return chosen


ROUTES = _routes_to_try()


def _url(route, rows):
    if not route.converters:
        return route.url()
    info = route.info
    obj = rows.get(info["model"])
    if obj is None:
        return None
    return route.url(**{info["kwarg"]: getattr(obj, info["lookup"])})


def _token(user) -> str:
    from django.utils import timezone

    from fuqing.api.auth import TOKEN_PREFIX, digest
    from fuqing.orgs.models import ApiToken

    raw = TOKEN_PREFIX + uuid.uuid4().hex
    ApiToken.objects.create(
        user=user, digest=digest(raw), prefix=raw[:8], expires_at=timezone.now() + timezone.timedelta(hours=1)
    )
    return raw


def _consume(response) -> None:
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)


def test_reg3_the_routes_tried_cover_every_list_and_api_list():
    """The discovery finds the registers' pages and API lists (a guard against an empty sweep)."""
    names = {route.name.split(":")[-1] for route in ROUTES}
    assert {"list", "detail"} <= names
    assert sum(1 for r in ROUTES if r.is_api) >= 20
    assert sum(1 for r in ROUTES if not r.is_api) >= 40


def test_reg3_no_page_or_api_list_decrypts_what_it_does_not_show(populated, daoli, client, decryptions):
    """Every list page, detail page and API list/read as daoli (a leader who sees the unit): zero
    decryptions, unless the route exists to show a plain value."""
    token = _token(daoli)
    login(client, daoli)
    decrypting, tried = {}, 0
    for route in ROUTES:
        url = _url(route, populated)
        if url is None or route.name in SHOWS_PLAIN:
            continue
        decryptions.count = 0
        if route.is_api:
            response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
        else:
            response = client.get(url)
        _consume(response)
        tried += 1
        if decryptions.count:
            decrypting[f"{route.name} {url}"] = decryptions.count
    assert tried >= 60
    assert decrypting == {}


def test_reg3_registry_list_decrypts_nothing_for_a_full_page(tree, daoli, client, decryptions):
    """The issue's figure: a 20-row page of women with phones and health notes decrypted 40 values."""
    from tests.registry.conftest import add_woman

    for i in range(20):
        add_woman(
            daoli,
            tree.a1a,
            name="王秀" + "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"[i],
            health_notes="糖尿病",
            health_consent=True,
        )
    login(client, daoli)
    decryptions.count = 0
    response = client.get("/registry/")
    assert response.status_code == 200 and response.content.count(b"138****5678") >= 20
    assert decryptions.count == 0


@pytest.mark.parametrize("name", sorted(ledgers()))
def test_reg3_no_ledger_export_decrypts(name, populated, daoli, decryptions):
    """Every registered ledger's masked export (and its template): zero decryptions."""
    ledger = ledgers()[name]
    decryptions.count = 0
    if ledger.can_export(daoli):
        path, _rows = export_to_file(ledger, daoli)
        os.remove(path)
        assert decryptions.count == 0, f"{name}: {decryptions.count} decryptions"
    if ledger.supports_import:
        os.remove(template_to_file(ledger))
        assert decryptions.count == 0


def test_reg3_showing_a_plain_value_still_decrypts_it(tree, daoli, decryptions):
    """Lazy, not lost: the plain value is there when it is read, once."""
    from fuqing.registry.models import Woman
    from tests.registry.conftest import add_woman

    woman = add_woman(daoli, tree.a1a, health_notes="高血压", health_consent=True)
    loaded = Woman.objects.get(pk=woman.pk)
    decryptions.count = 0
    assert loaded.masked_phone == "138****5678" and loaded.masked_health_notes == "******"
    assert decryptions.count == 0
    assert loaded.phone == "13812345678" and loaded.phone == "13812345678"
    assert decryptions.count == 1
    loaded.status = "inactive"
    loaded.save()  # saving a record decrypts nothing it did not read
    assert decryptions.count == 1
    assert Woman.objects.get(pk=woman.pk).health_notes == "高血压"
