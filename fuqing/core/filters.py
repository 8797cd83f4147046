"""One filter definition per register, shared by its page, its ledger export and its API list.

A register's filters are a form of allowlisted fields (SEC-4) and a ``RegisterFilter`` that applies
them to an already scoped queryset, in ``fuqing/<app>/filters.py``. The page binds it to
``request.GET`` (a bad value is ignored and the form shows it), the ledger export to its sealed
parameters, the API to its query string (``fuqing.api.kit.query_schema`` types the same fields;
``strict`` answers a refused value with 422 instead of a silently wider list).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


class RegisterFilter:
    """Subclasses set ``form_class`` and implement ``apply(queryset)``. ``self.data``: the clean values
    (empty when the form is invalid); ``self.user``: the caller (None for an export job, whose queryset
    is scoped already)."""

    form_class: type[forms.Form]
    api_exclude: tuple[str, ...] = ()  # fields never sent in an API query string (personal data)

    def __init__(self, params=None, user=None, **form_kwargs):
        self.user = user
        self.form = self.form_class(params or None, **form_kwargs)
        self.data = self.form.cleaned_data if self.form.is_valid() else {}

    @classmethod
    def strict(cls, params, user=None, **form_kwargs):
        """The filter, or a ValidationError naming each refused field (the API's 422)."""
        params = {k: v for k, v in (params or {}).items() if v not in (None, "", False)}
        made = cls(params, user, **form_kwargs)
        if params and not made.form.is_valid():
            raise ValidationError(made.form.errors.as_data())
        return made

    def apply(self, queryset):  # pragma: no cover - every register implements it
        raise NotImplementedError
