"""Form helpers: Bootstrap classes on every widget, and service errors shown beside their fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

FIRST_YEAR, LAST_YEAR = 2000, 2100  # the campaign years the federation can have (as fuqing.api.types)
MAX_COUNT = 2**31 - 1  # an integer column on every engine
MAX_ID = 2**63 - 1


def bound_inputs(form) -> None:
    """Issue 10 point 9, once for every form: a number past what its column holds or a date outside any
    campaign year is refused with the field named — never a database error (500).

    Integer fields without a maximum get one (ids: 64 bits; counts: 32 bits); date fields must lie in
    2000–2100 unless the form lists them in ``any_year_fields`` (e.g. a date of birth)."""
    from django.core.validators import MaxValueValidator

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
    pass


class ModelForm(StyledFormMixin, forms.ModelForm):
    pass


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
