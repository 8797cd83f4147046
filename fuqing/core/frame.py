"""What every signed-in page's frame needs, cached (issue 16: the fixed cost of a page).

The frame (top bar, navigation, year switch, bell) read the same few rows on every request: the
navigation built from the roles, the campaign years and the current campaign, the unit's lineage, the
count of unread reminders. Here each is kept in the configured cache (Redis at scale; a file cache shared
by an embedded install's processes) under a key that names everything it depends on — the user's roles,
her scope's paths, the year, the language — and a *generation* of the data it reads. Whatever changes that
data bumps its generation once the transaction commits, so no page shows a frame older than its rows:

* ``campaigns``: a campaign saved or deleted (the years, the current campaign);
* ``orgs``: a unit saved or deleted (the lineage's names; a move changes the paths in the key);
* ``roles``: a role's permissions changed (the navigation);
* ``reminders``: any reminder written through ``fuqing.core.reminders`` (the bell's count).

A generation that the cache lost is started again from the clock, never from a number an old entry
could still carry.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

from fuqing.core import years

TIMEOUT = 3600  # an entry nobody reads goes; a changed row never waits for this (generations)
_PREFIX = "fuqing:frame:"


def generation(name: str) -> int:
    key = f"{_PREFIX}gen:{name}"
    value = cache.get(key)
    if value is None:
        value = time.time_ns()
        if not cache.add(key, value, timeout=None):
            value = cache.get(key, value)
    return value


def _bump_now(name: str) -> None:
    key = f"{_PREFIX}gen:{name}"
    try:
        cache.incr(key)
    except ValueError:  # lost: start again from the clock, past every number an old entry holds
        cache.set(key, time.time_ns(), timeout=None)


def bump(name: str) -> None:
    """The data behind ``name`` changed: entries cached under the current generation are stale.

    Bumped now (this transaction's own next read sees the change) and again once the change commits:
    a request that read the old rows in between cached them under the middle generation, which the
    second bump leaves behind."""
    _bump_now(name)
    transaction.on_commit(lambda: _bump_now(name))


def _key(kind: str, *parts) -> str:
    raw = "|".join(str(p) for p in parts)
    return f"{_PREFIX}{kind}:{hashlib.sha1(raw.encode()).hexdigest()}"  # noqa: S324 (a key, not a secret)


def cached(kind: str, generations: tuple[str, ...], parts: tuple, compute):
    """``compute()`` once per generation of ``generations`` and ``parts`` (what the value depends on)."""
    key = _key(kind, *parts, *(generation(g) for g in generations))
    value = cache.get(key)
    if value is None:
        value = {"v": compute()}  # wrapped: a computed None or 0 is a hit too
        cache.set(key, value, TIMEOUT)
    return value["v"]


def _scope_parts(user) -> tuple:
    from fuqing.core.scoping import user_scope

    scope = user_scope(user)
    return (scope.read_paths, scope.edit_paths, scope.volunteer)


def _role_parts(user) -> tuple:
    return (user.pk, tuple(sorted(r.pk for r in user.role_list)), user.is_active, get_language())


def navigation(user) -> tuple[list, list]:
    """The left navigation and the phone's field actions (``core.navigation``) for the user's roles."""
    from fuqing.core.navigation import field_actions_for, navigation_for

    def compute():
        # Labels as plain text (the language is in the key): a lazy string unpickles into a new class
        # each time, ~1 ms apiece.
        sections = [
            {
                **s,
                "title": str(s["title"]),
                "items": [{**i, "label": str(i["label"]), "tail": _link_tail(i)} for i in s["items"]],
            }
            for s in navigation_for(user)
        ]
        actions = [{**a, "label": str(a["label"])} for a in field_actions_for(user)]
        return sections, actions

    return cached("nav", ("roles",), _role_parts(user), compute)


def _link_tail(item) -> str:
    """A navigation link after its class attribute, escaped once when the navigation is computed."""
    from django.utils.html import format_html

    return str(format_html('" href="{}">{}</a>', item["url"], str(item["label"])))


def navigation_html(request, sections: list) -> str:
    """The left navigation written in Python (it is on every page: ~45 links through the template engine
    cost more than a small page's own content); the entry of the current page is marked active. Each
    link's escaped text is computed with the navigation (cached): here only the active mark is added."""
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else None
    here = request.path[:-1]
    parts = []
    for section in sections:
        if section["key"] != "home":
            parts.append(format_html('<div class="section-title">{}</div>', section["title"]))
        for item in section["items"]:
            active = view_name == item["url_name"] or here == item["url"][:-1]
            tail = item.get("tail") or _link_tail(item)
            parts.append(('<a class="nav-link active' if active else '<a class="nav-link') + tail)
    return mark_safe("".join(parts))  # noqa: S308 (every part escaped by format_html)


def campaign_years(user) -> list[int]:
    return cached("years", ("campaigns",), _scope_parts(user), lambda: years.years_for(user))


def campaign(user, year) -> object:
    """The top bar's campaign (``core.years``: the campaigns app says how to find it)."""
    return cached(
        "campaign", ("campaigns", "orgs"), (*_scope_parts(user), year), lambda: years.campaign_for(user, year)
    )


def lineage(user) -> list:
    if not user.org_id:
        return []
    org = user.org
    return cached("lineage", ("orgs",), (org.pk, org.path), org.lineage)


def child_units(org) -> int:
    """How many active units sit directly under ``org`` (the home page's unit panel)."""
    return cached(
        "children",
        ("orgs",),
        (org.pk, org.path),
        lambda: type(org).objects.get_children(org).filter(is_active=True).count(),
    )


def unread_reminders(user) -> int:
    from fuqing.core.reminders import unread_count

    return cached("unread", ("reminders",), (user.pk, *_scope_parts(user)), lambda: unread_count(user))


# --- the signed-in user ---------------------------------------------------------------------------------
# The user row, her unit, her roles and her scope (4 queries on every request) are kept too, under the
# ``users`` generation: any save or delete of a user, a role, a unit or a scope grant, a change of a user's
# roles and a move in the tree bump it, so a disabled account, a changed password, a role taken away or a
# grant revoked counts from the very next request. The session's own checks (the session hash) run on
# every request as Django runs them; on any doubt Django's own ``get_user`` answers.

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _load_user(user_id):
    from django.contrib.auth import get_user_model

    from fuqing.core.scoping import user_scope

    user = (
        get_user_model()._default_manager.select_related("org").prefetch_related("roles").filter(pk=user_id)
    )
    user = user.first()
    if user is not None:
        user.role_list  # noqa: B018 (read before pickling: roles travel with the user)
        user_scope(user)  # the scope travels too (computed from the grants read now)
    return user


def request_user(request):
    """``request.user`` for ``CachedUserMiddleware``: Django's ``get_user`` with the rows from the cache."""
    from django.contrib import auth
    from django.contrib.auth.models import AnonymousUser
    from django.utils.crypto import constant_time_compare

    session = request.session
    try:
        user_id = session[auth.SESSION_KEY]
        backend = session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend != MODEL_BACKEND:
        return auth.get_user(request)
    user = cached("user", ("users",), (user_id,), lambda: _load_user(user_id))
    session_hash = session.get(auth.HASH_SESSION_KEY)
    if (
        user is None
        or not user.is_active
        or not session_hash
        or not constant_time_compare(session_hash, user.get_session_auth_hash())
    ):
        return auth.get_user(request)  # Django decides (fallback keys, logging out)
    return user


class CachedUserMiddleware:
    """After Django's AuthenticationMiddleware: the same lazy ``request.user``, read through the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.functional import SimpleLazyObject

        if hasattr(request, "session"):
            request.user = SimpleLazyObject(lambda: _user_once(request))
        return self.get_response(request)


def _user_once(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = request_user(request)
    return request._cached_user
