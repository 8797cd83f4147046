"""Form helpers: Bootstrap classes on every widget, and service errors shown beside their fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from fuqing.core.scoping import resolve_input

# One answer for a choice that is missing, malformed or outside the user's scope: it names the field,
# never the object (SEC-2: out of scope is "not found").
NOT_IN_SCOPE = _("%(field)s：所选项不存在或不在您的范围内。")


class _NotInScope:
    """The message with the field's label, translated when shown."""

    def __init__(self, label):
        self.label = label

    def __str__(self):
        return str(NOT_IN_SCOPE) % {"field": str(self.label)}

    def __mod__(self, params):
        return str(self)


def not_in_scope(label) -> str:
    """The answer for an id that is missing or outside the scope, naming the field ``label``."""
    return str(_NotInScope(label))


class ScopedModelChoiceField(forms.ModelChoiceField):
    """A choice among scoped rows. The form gives it the choices through the door
    (``visible_to``/``editable_by``); anything else posted is "not found or outside your scope",
    a message that names the field and nothing of what was asked for."""

    def __init__(self, queryset=None, **kwargs):
        super().__init__(queryset, **kwargs)
        self.error_messages["invalid_choice"] = _NotInScope(self.label or "")


class ScopedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several scoped rows; see ``ScopedModelChoiceField``."""

    def __init__(self, queryset=None, **kwargs):
        super().__init__(queryset, **kwargs)
        message = _NotInScope(self.label or "")
        self.error_messages["invalid_choice"] = message
        self.error_messages["invalid_pk_value"] = message


FIRST_YEAR, LAST_YEAR = 2000, 2100  # the campaign years the federation can have (as fuqing.api.types)
MAX_COUNT = 2**31 - 1  # an integer column on every engine
MAX_ID = 2**63 - 1


def bound_inputs(form) -> None:
    """Issue 10 point 9, once for every form: a number past what its column holds or a date outside any
    campaign year is refused with the field named — never a database error (500).

    Integer fields without a maximum get one (ids: 64 bits; counts: 32 bits); date fields must lie in
    2000–2100 unless the form lists them in ``any_year_fields`` (e.g. a date of birth)."""

    exempt = set(getattr(form, "any_year_fields", ()))
    for name, field in form.fields.items():
        if isinstance(field, forms.IntegerField) and field.max_value is None:
            is_id = name in ("org", "id", "pk") or name.endswith("_id")
            field.validators.append(MaxValueValidator(MAX_ID if is_id else MAX_COUNT))
        elif isinstance(field, forms.DateField) and name not in exempt:
            field.validators.append(_CampaignYears(str(field.label or name)))


class _CampaignYears:
    def __init__(self, label: str):
        self.label = label

    def __call__(self, value):
        from django.utils.translation import gettext as _

        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValidationError(
                _("%(field)s须在 %(a)d 年至 %(b)d 年之间（平台的工作年度）。")
                % {"field": self.label, "a": FIRST_YEAR, "b": LAST_YEAR},
                code="campaign_years",
            )

    def __eq__(self, other):
        return isinstance(other, _CampaignYears) and other.label == self.label


class StyledFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()
        bound_inputs(self)

    def style_fields(self) -> None:
        """Bootstrap classes on every widget (call again after replacing a field)."""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def apply_service_error(self, exc: ValidationError) -> None:
        """Attach a service's ValidationError to the fields it names (others to the form)."""
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                target = field if field in self.fields else None
                for error in errors:
                    self.add_error(target, error)
        else:
            for error in exc.messages:
                self.add_error(None, error)


class Form(StyledFormMixin, forms.Form):
    def resolve(self, queryset_or_model, name: str, user, *, edit: bool = False, default=None):
        """The object a bound form's raw ``name`` points at, through the door (for choices that depend
        on another field, computed before validation): ``default`` when missing or out of scope."""
        value = self.data.get(self.add_prefix(name)) if self.is_bound else None
        if value in (None, ""):
            value = self.initial.get(name)
        found = resolve_input(queryset_or_model, user, value, edit=edit)
        return default if found is None else found


class ModelForm(StyledFormMixin, forms.ModelForm):
    pass


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
