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
from django.utils.translation import gettext as _


class RegisterFilter:
    """Subclasses set ``form_class`` and implement ``apply(queryset)``. ``self.data``: the clean values
    (empty when the form is invalid); ``self.user``: the caller (None for an export job, whose queryset
    is scoped already)."""

    form_class: type[forms.Form]
    api_exclude: tuple[str, ...] = ()  # fields never sent in an API query string (personal data)
    # id-valued fields (a unit, a campaign, a woman…) → their model, resolved through the scope door:
    # one the caller may not see is refused (the form names the field; the list is empty, never wider)
    scoped_ids: dict[str, type] = {}

    def __init__(self, params=None, user=None, **form_kwargs):
        self.user = user
        self.form = self.form_class(params or None, **form_kwargs)
        self.data = self.form.cleaned_data if self.form.is_valid() else {}
        self.found: dict[str, object] = {}  # the scoped ids' objects, as the caller may see them
        self.refused = False  # an id outside the caller's scope was asked for
        if self.data:
            self._resolve_ids()

    def _resolve_ids(self) -> None:
        for name, model in self.scoped_ids.items():
            value = self.data.get(name)
            if value in (None, ""):
                continue
            rows = model.objects.visible_to(self.user) if self.user is not None else model.objects.all()
            found = rows.filter(pk=value).first()
            if found is None:
                self.refused = True
                self.form.add_error(name, _("不存在或不在您的查看范围内。"))
            else:
                self.found[name] = found

    @property
    def problems(self) -> list[str]:
        """The refused values as the page shows them: each message named by its field's label."""
        if not self.form.is_bound:
            return []
        fields = self.form.fields
        return [
            f"{fields[name].label or name}：{message}" if name in fields else message
            for name, messages in self.form.errors.items()
            for message in messages
        ]

    def narrow(self, queryset):
        """The queryset to filter further, or none of it when an id outside the scope was asked for."""
        return queryset.none() if self.refused else queryset

    @classmethod
    def strict(cls, params, user=None, **form_kwargs):
        """The filter, or a ValidationError naming each refused field (the API's 422)."""
        params = {k: v for k, v in (params or {}).items() if v not in (None, "", False)}
        made = cls(params, user, **form_kwargs)
        if params and (made.refused or not made.form.is_valid()):
            fields = made.form.fields
            raise ValidationError(
                {  # each message names its field as the page does, with the name a client sends
                    name: [
                        f"{fields[name].label}（{name}）：{m}" if name in fields and fields[name].label else m
                        for m in messages
                    ]
                    for name, messages in made.form.errors.items()
                }
            )
        return made

    def apply(self, queryset):  # pragma: no cover - every register implements it
        raise NotImplementedError
