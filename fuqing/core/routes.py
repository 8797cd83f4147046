"""Every route says what it does with scoped data, so the access-matrix test can find and exercise it.

Every page or API route is decorated — the test walks every URL pattern and every API operation, and a
route that says nothing fails it:

``@scoped(Model, action)``
    ``list``, ``read``, ``change``, ``delete``, ``export`` — rows of ``Model`` by id, in a list or an
    export; ``create`` — a form (GET) and its POST, or an API POST, that write a new ``Model`` row;
    ``page`` — a page or search without an id that shows ``Model`` rows or picks them (only what is
    in scope may appear); ``template`` / ``import`` — a ledger's import template and its upload.
``@unscoped(reason)``
    The route touches no federation data of others: the login page, the caller's own profile, static
    help, platform-wide configuration.

Options the matrix reads:

``fk_fields``
    ``{"body field": Model}`` for the foreign keys of a write's body when they cannot be discovered
    (from the model's own foreign keys, by the field's name). The matrix sends each one the id of a
    row of another district and asserts nothing is written and nothing foreign is shown.
``proof``
    ``proof(obj_before, obj_after_or_None) -> bool``: the change the route makes, when a re-read of
    the object is not enough to see it (the matrix's default proof: the row or a row beside it
    changed, or the row is gone).

Routes the project does not write itself (the framework's OpenAPI page, the language switch) are
declared in ``FRAMEWORK_ROUTES`` by URL name.
"""

from __future__ import annotations

ACTIONS = ("list", "read", "change", "delete", "export", "create", "page", "template", "import")
WRITES = ("change", "delete", "create", "import")

FRAMEWORK_ROUTES = {
    "set_language": "Django's language switch: the caller's own session",
    "api:openapi-json": "the API's description, the same for everyone",
    "api:openapi-view": "the API's documentation page, the same for everyone",
    "api:api-root": "the API's index, the same for everyone",
}


def scoped(
    model,
    action: str,
    lookup: str = "pk",
    kwarg: str | None = None,
    method: str | None = None,
    fk_fields: dict | None = None,
    proof=None,
):
    """Mark a view: it ``action``s rows of ``model``; the URL kwarg ``kwarg`` holds ``lookup``.

    ``method`` is the HTTP method the test uses (GET for list/read/export/page/template, POST for
    change/delete/create/import).
    """
    if action not in ACTIONS:
        raise ValueError(action)

    def decorate(view):
        view.scoped_model = model
        view.scoped_action = action
        view.scoped_lookup = lookup
        view.scoped_kwarg = kwarg or lookup
        view.scoped_method = method or ("POST" if action in WRITES else "GET")
        view.scoped_fk_fields = fk_fields or {}
        view.scoped_proof = proof
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
        "fk_fields": getattr(view, "scoped_fk_fields", {}),
        "proof": getattr(view, "scoped_proof", None),
    }


def unscoped(reason: str):
    """Mark a route that touches no one else's federation data, saying why."""
    if not reason:
        raise ValueError("say why the route is not scoped")

    def decorate(view):
        view.unscoped_reason = reason
        return view

    return decorate


def unscoped_reason(view) -> str:
    return getattr(view, "unscoped_reason", "") or getattr(
        getattr(view, "view_class", None), "unscoped_reason", ""
    )
