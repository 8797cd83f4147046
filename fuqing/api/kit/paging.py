"""Ninja's pagination with one class for the whole API: ``?limit=&offset=`` in, ``{count, items}`` out.

``@paginate`` (ninja's, with the kit's ``Paged``) under the route decorator, ``response=list[ItemOut]``;
the view returns a queryset (already scoped, filtered and ordered). The page is bounded: ``limit``
1–``MAX_PAGE`` (a larger one is refused with 422, never silently cut), ``offset`` 0–10^9.

When the page's rows need more than their queryset (values looked up for the whole page in one query),
return ``Rows(queryset, prepare)``: ``prepare(items)`` runs once on the page's items and returns what
is serialised. A list that carries totals beside its items (``page()``) declares its own ``…Page``
schema with ``count`` and ``items`` and returns ``page(queryset, paging, **totals)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, get_type_hints

from ninja import Field, Schema
from ninja.pagination import PaginationBase
from ninja.pagination import paginate as ninja_paginate

from fuqing.api.types import MAX_OFFSET

MAX_PAGE = 500
DEFAULT_PAGE = 100

PageLimit = Annotated[int, Field(ge=1, le=MAX_PAGE, description=f"最多返回几条（1—{MAX_PAGE}）")]
PageOffset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="从第几条开始（0 起）")]


@dataclass
class Rows:
    """A queryset and what to do with one page of it before it is serialised."""

    queryset: Any
    prepare: Callable[[list], list]


class Paging(Schema):
    limit: PageLimit = DEFAULT_PAGE
    offset: PageOffset = 0


def _slice(rows, paging: Paging) -> tuple[int, list]:
    prepare = None
    if isinstance(rows, Rows):
        rows, prepare = rows.queryset, rows.prepare
    count = rows.count() if hasattr(rows, "count") and not isinstance(rows, list) else len(rows)
    items = list(rows[paging.offset : paging.offset + paging.limit])
    return count, (prepare(items) if prepare else items)


class Paged(PaginationBase):
    """The API's one pagination class (limit/offset, bounded)."""

    Input = Paging

    class Output(Schema):
        count: int
        items: list[Any]

    def paginate_queryset(self, queryset, pagination: Paging, request, **params):
        count, items = _slice(queryset, pagination)
        return {"count": count, "items": items}


def page(rows, paging: Paging, **totals) -> dict:
    """One page as a dict, for a list schema that carries totals beside ``count`` and ``items``."""
    count, items = _slice(rows, paging)
    return {"count": count, **totals, "items": items}


def paginate(func=None, *, pagination_class=None):
    """``@paginate``: ninja's pagination with ``Paged``. The view's annotations are resolved here, in
    the router's module (ninja would read them in its own, where the router's names do not exist)."""

    def decorate(view):
        view.__annotations__ = get_type_hints(view, include_extras=True)
        return ninja_paginate(pagination_class or Paged)(view)

    return decorate(func) if func is not None else decorate
