"""Declaring what a route does with scoped data, so the access-matrix test can find and exercise it.

Every page or API route that takes an object id, lists, or exports scoped rows is decorated with
``@scoped(Model, "read")`` (or "list", "change", "delete", "export"). The test walks every URL pattern:
a route with an id that is not declared fails the test, and declared ones are tried as users of the
own unit, a child, the parent, a sibling and an unrelated unit.
"""

from __future__ import annotations

ACTIONS = ("list", "read", "change", "delete", "export")


def scoped(model, action: str, lookup: str = "pk", kwarg: str | None = None, method: str | None = None):
    """Mark a view: it ``action``s rows of ``model``; the URL kwarg ``kwarg`` holds ``lookup``.

    ``method`` is the HTTP method the test uses (GET for list/read/export, POST for change/delete).
    """
    if action not in ACTIONS:
        raise ValueError(action)

    def decorate(view):
        view.scoped_model = model
        view.scoped_action = action
        view.scoped_lookup = lookup
        view.scoped_kwarg = kwarg or lookup
        view.scoped_method = method or ("POST" if action in ("change", "delete") else "GET")
        return view

    return decorate


def scoped_info(view) -> dict | None:
    model = getattr(view, "scoped_model", None)
    if model is None:
        view_class = getattr(view, "view_class", None)
        model = getattr(view_class, "scoped_model", None)
        if model is None:
            return None
        view = view_class
    return {
        "model": model,
        "action": view.scoped_action,
        "lookup": view.scoped_lookup,
        "kwarg": view.scoped_kwarg,
        "method": view.scoped_method,
    }


def unscoped(reason: str):
    """Mark a route with an id that is not federation data (e.g. a platform-wide role)."""

    def decorate(view):
        view.unscoped_reason = reason
        return view

    return decorate
