"""Fields every API schema shares: masked personal values, and references given as ids.

Masked values (REG-3) are declared once, by type: a field typed ``MaskedName``, ``MaskedPhone``,
``MaskedIdNumber`` or ``MaskedText`` is masked on its way out whatever it is fed — a model's stored
masked value (``woman.masked_name``, kept as is) or a raw one (a contact person's name, masked here).
Every such field says so in the OpenAPI description (``x-masked``), which the tests walk. The plain
value is only ever given by ``POST /women/{id}/unmask/`` (``registry.unmask``, a reason, the access log).

A reference in a body or a query string goes through the scope door like an id in the path:
``ref(queryset, user, value, "field", label)`` returns the object or raises ``NotVisible`` (404 with
the field named), so a foreign id answers the same everywhere.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from django.core.exceptions import ValidationError
from ninja import Field
from pydantic import BeforeValidator, WithJsonSchema

from fuqing.api.kit.errors import NotVisible
from fuqing.core.masking import mask
from fuqing.core.scoping import resolve_input

KEEP = {"（已匿名）"}  # registry.models.ANONYMISED_NAME: already no personal value


def _masker(kind: str):
    def masked(value) -> str:
        if value is None:
            return ""
        value = str(value)
        return value if value in KEEP else mask(kind, value)  # masking a masked value changes nothing

    return masked


def _masked_type(kind: str, description: str):
    schema = {"type": "string", "description": description, "x-masked": kind}
    return Annotated[str, BeforeValidator(_masker(kind)), WithJsonSchema(schema)]


MaskedName = _masked_type("name", "姓名，脱敏：张*丽")
MaskedPhone = _masked_type("phone", "电话，脱敏：138****5678")
MaskedIdNumber = _masked_type("id_number", "身份证号，脱敏：230102********1234")
MaskedText = _masked_type("text", "敏感文字，隐藏：******")


# --- people (issue 11 point 7) ----------------------------------------------------------------------
# A person is shown by her name (``User.display_name``: 刘春梅), never her login name, with her id beside
# it for a client that refers to her again: ``handler`` (the id) and ``handler_name``. A body names a
# person by that id; a login name is still read, for clients written before.

PersonId = Annotated[
    int | str,
    WithJsonSchema(
        {"anyOf": [{"type": "integer"}, {"type": "string"}], "description": "用户 id（也接受用户名）"}
    ),
]


def person_lookup(value) -> str:
    """How a person named in a body is looked up: by id when it is a number, else by login name."""
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return "pk"
    return "username"


def person_field(attr: str, label: str):
    """The ``<attr>_name`` field of an output schema: the person's name, '' when there is none."""
    return Field("", alias=f"{attr}.display_name", description=f"{label}姓名")


def ref(queryset_or_model, user, value, field: str, label: str, *, edit: bool = False, lookup: str = "pk"):
    """The object ``value`` names, inside the caller's scope; None for an empty value; else 404."""
    if value is None or value == "":
        return None
    lookup = lookup(value) if callable(lookup) else lookup
    found = resolve_input(queryset_or_model, user, value, edit=edit, field=lookup)
    if found is None:
        raise NotVisible(field, f"{label}不存在或不在您的数据范围内。")
    return found


def refs(queryset_or_model, user, values, field: str, label: str, *, edit: bool = False, lookup: str = "pk"):
    """Several references; one missing or foreign one refuses them all (404, the field named)."""
    values = list(dict.fromkeys(values or ()))
    if not values:
        return []
    if callable(lookup):  # each value by its own lookup (a person by id or by login name)
        found = []
        for way in dict.fromkeys(map(lookup, values)):
            mine = [v for v in values if lookup(v) == way]
            found += refs(queryset_or_model, user, mine, field, label, edit=edit, lookup=way)
        return list({o.pk: o for o in found}.values())
    qs = (
        queryset_or_model._default_manager.all() if isinstance(queryset_or_model, type) else queryset_or_model
    )
    qs = qs.editable_by(user) if edit else qs.visible_to(user)
    try:
        found = {_key(getattr(o, lookup)): o for o in qs.filter(**{f"{lookup}__in": values})}
    except (ValueError, TypeError, ValidationError, OverflowError):
        found = {}
    if any(_key(v) not in found for v in values):
        raise NotVisible(field, f"{label}不存在或不在您的数据范围内。")
    return list({id(o): o for o in (found[_key(v)] for v in values)}.values())


def _key(value) -> str:
    """An id as compared: a UUID in its one spelling, anything else as text."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return str(value)
