"""The API side of a register's one filter definition (``fuqing.core.filters.RegisterFilter``).

A register's filters are a Django form of allowlisted fields (SEC-4) and a class that applies them to
an already scoped queryset — ``fuqing/<app>/filters.py``, subclassing ``RegisterFilter``. The page
binds it to ``request.GET`` (a bad value is ignored, the form shows it), the ledger export to its sealed
parameters, and the API to the query string through ``query_schema(TheFilter)``: the same fields, typed
from the form (an integer field's bounds, a boolean, a date), so page and API accept the same filters.
In the API a value the form refuses answers 422 (``TheFilter.strict``), never a silently wider list.
"""

from __future__ import annotations

import datetime

from django import forms
from ninja import Schema
from pydantic import Field, create_model

from fuqing.api.types import MAX_ID, Year
from fuqing.core.filters import RegisterFilter


def _field(field: forms.Field):
    description = str(field.label or "")
    if isinstance(field, forms.BooleanField):
        return bool, Field(False, description=description)
    if isinstance(field, forms.IntegerField):
        low = field.min_value if field.min_value is not None else 1
        high = field.max_value if field.max_value is not None else MAX_ID
        return int | None, Field(None, ge=low, le=high, description=description)
    if isinstance(field, forms.DateField):
        return datetime.date | None, Field(None, description=description)
    if isinstance(field, forms.ModelChoiceField):
        return str | None, Field(None, max_length=100, description=description)
    if isinstance(field, forms.ChoiceField) and field.choices and not callable(field.choices):
        names = "、".join(str(k) for k, _v in field.choices if k)
        return str | None, Field(None, max_length=100, description=f"{description}：{names}"[:300])
    return str | None, Field(
        None, max_length=getattr(field, "max_length", None) or 100, description=description
    )


def query_schema(filter_class: type[RegisterFilter], name: str | None = None, **extra) -> type[Schema]:
    """The API's query-string schema of a register's filter (``extra``: API-only fields)."""
    fields = {
        key: _field(field)
        for key, field in filter_class.form_class.base_fields.items()
        if key not in filter_class.api_exclude
    }
    fields.update(extra)
    return create_model(
        name or filter_class.__name__.replace("Filter", "") + "Query", __base__=Schema, **fields
    )


class YearQuery(Schema):
    """The words and the year most lists take when their register has no filter form of its own."""

    q: str | None = Field(None, max_length=50, description="关键词")
    year: Year | None = None
