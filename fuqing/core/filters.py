"""One filter definition per register, shared by its page, its ledger export and its API list.

A register's filters are a form of allowlisted fields (SEC-4) and a ``RegisterFilter`` that applies
them to an already scoped queryset, in ``fuqing/<app>/filters.py``. The page binds it to
``request.GET`` (a bad value is ignored and the form shows it), the ledger export to its sealed
parameters, the API to its query string (``fuqing.api.kit.query_schema`` types the same fields;
``strict`` answers a refused value with 422 instead of a silently wider list).

An id a filter takes (a unit, a project, an indicator, a questionnaire …) is declared in ``ids`` and
resolved through the scope door (``visible_to``): one that is missing or outside the caller's scope
empties the list — never a wider one, never the foreign object's name — and is shown on the page as a
refused value, answered 404 by the API (``OutOfScope``, the field named, like ``kit.ref``).
"""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _


class OutOfScope(Http404):
    """An id given to a filter that is missing or outside the caller's scope (the API's 404)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


class RegisterFilter:
    """Subclasses set ``form_class`` and implement ``apply(queryset)`` — or ``narrow(queryset)`` when
    they declare ``ids``. ``self.data``: the clean values (a refused one left out);
    ``self.user``: the caller (None for an export job, whose queryset is scoped already);
    ``self.objects``: the objects the ``ids`` named, found inside the caller's scope."""

    form_class: type[forms.Form]
    api_exclude: tuple[str, ...] = ()  # fields never sent in an API query string (personal data)
    # field → "app_label.Model" (its ``visible_to``) or a function of the caller giving the queryset an
    # id is looked for in: the scope door every id-valued filter goes through
    ids: dict = {}

    def __init__(self, params=None, user=None, **form_kwargs):
        self.user = user
        self.form = self.form_class(params or None, **form_kwargs)
        # a refused value is dropped and the others kept: the page filters by what it could read
        self.data = self.form.cleaned_data if self.form.is_valid() or self.form.is_bound else {}
        self.objects: dict[str, object] = {}
        self.refused: str | None = None
        for field, model in self.ids.items():
            value = self.data.get(field)
            if value in (None, ""):
                continue
            found = self._visible(model).filter(pk=value).first()
            if found is None:
                self.refused = self.refused or field
                self.form.add_error(field, _("不存在或不在您的数据范围内，列表不显示任何记录。"))
            else:
                self.objects[field] = found

    def _visible(self, source):
        if callable(source):
            return source(self.user)
        model = apps.get_model(source)
        # an export job has no caller here: its queryset is scoped already, so an id only narrows it
        return model.objects.visible_to(self.user) if self.user is not None else model.objects.all()

    @classmethod
    def strict(cls, params, user=None, **form_kwargs):
        """The filter, or a ValidationError naming each refused field (the API's 422); an id outside
        the caller's scope is ``OutOfScope`` (404)."""
        params = {k: v for k, v in (params or {}).items() if v not in (None, "", False)}
        made = cls(params, user, **form_kwargs)
        if made.refused:
            label = made.form.fields[made.refused].label
            raise OutOfScope(made.refused, _("%(f)s不存在或不在您的数据范围内。") % {"f": label})
        if params and not made.form.is_valid():
            raise ValidationError(made.form.errors.as_data())
        return made

    @property
    def problems(self) -> list[str]:
        """The page's note on what it ignored or refused: "年度：请输入整数。", each field by its label."""
        return [
            _("%(field)s：%(message)s")
            % {
                "field": self.form.fields[name].label if name in self.form.fields else name,
                "message": message,
            }
            for name, messages in self.form.errors.items()
            for message in messages
        ]

    def apply(self, queryset, **kwargs):
        """The rows the filters keep; none at all when an id was refused (never a wider list)."""
        if self.refused:
            return queryset.none()
        return self.narrow(queryset, **kwargs)

    def narrow(self, queryset, **kwargs):  # pragma: no cover - every register implements it
        raise NotImplementedError
