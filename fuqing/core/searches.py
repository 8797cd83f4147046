"""Saved searches (issue 10, point 7): a personal search term — a woman's name — never travels in a URL.

A search form posts its terms; the personal ones are kept in the user's session under a short random
token and the page redirects to ``?search=<token>&…`` with only the non-personal filters beside it, so
pagination, sorting, bookmarks within the session and the ledger export keep working while the name stays
out of addresses, browser history, proxy and server logs and the Referer header.
"""

from __future__ import annotations

import secrets

from django.http import QueryDict

PARAM = "search"
SESSION_KEY = "fq_searches"
KEEP = 20  # the newest searches kept per session


def save(request, values: dict) -> str:
    """Keep ``values`` (plain strings) in the session; returns the token that stands for them."""
    store = dict(request.session.get(SESSION_KEY) or {})
    token = secrets.token_urlsafe(9)
    store[token] = {k: str(v) for k, v in values.items() if v}
    while len(store) > KEEP:
        store.pop(next(iter(store)))
    request.session[SESSION_KEY] = store
    return token


def load(request, token: str | None) -> dict:
    """The values a token stands for ({} when unknown or expired with the session)."""
    if not token:
        return {}
    return dict((request.session.get(SESSION_KEY) or {}).get(token) or {})


def expand(request, params: QueryDict) -> QueryDict:
    """``params`` with the saved search's values in place of its token."""
    expanded = params.copy()
    token = expanded.pop(PARAM, [None])[-1]
    for key, value in load(request, token).items():
        expanded[key] = value
    return expanded


def move_out_of_url(request, params: QueryDict, personal: tuple[str, ...]) -> QueryDict | None:
    """When ``params`` carry personal terms: the same params with those terms saved behind a token
    (None when there is nothing personal to move)."""
    values = {key: params.get(key, "").strip() for key in personal}
    if not any(values.values()) and not any(key in params for key in personal):
        return None
    moved = params.copy()
    for key in personal:
        moved.pop(key, None)
    moved.pop(PARAM, None)
    moved.pop("page", None)
    if any(values.values()):
        moved[PARAM] = save(request, values)
    return moved
