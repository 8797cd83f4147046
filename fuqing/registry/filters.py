"""The register's filters and sort orders, from allowlists (SEC-4), shared by the list page, the ledger
export and the API so the three always agree."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from fuqing.core.filters import RegisterFilter
from fuqing.core.forms import Form
from fuqing.core.scoping import subtree_q
from fuqing.orgs.models import Org
from fuqing.registry.models import VulnerableGroup, WomanStatus
from fuqing.registry.validators import normalise_name

SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "registered_on": ("registered_on", "id"),
    "-registered_on": ("-registered_on", "-id"),
    "org": ("org__path", "name", "id"),
    "-org": ("-org__path", "-name", "-id"),
    "age": ("-birth_date", "id"),
    "-age": ("birth_date", "id"),
}
DEFAULT_SORT = "org"
ALL = "all"


class PlainSelect(forms.Select):
    """A select whose options are written in Python: a city's hundreds of units through Django's
    per-option widget templates cost more than the rest of the list page (issue 16)."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


class WomanFilterForm(Form):
    q = forms.CharField(label=_("姓名或档案编号"), required=False, max_length=50)
    community = forms.IntegerField(label=_("所属社区(村)"), required=False, widget=PlainSelect)
    group = forms.ChoiceField(label=_("困难群体"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False)
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=[(k, k) for k in SORTS])

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("全部")), *VulnerableGroup.objects.values_list("code", "name")]
        self.fields["status"].choices = [
            ("", _("在册")),
            *[c for c in WomanStatus.choices if c[0] != "active"],
            (ALL, _("全部")),
        ]
        self.fields["community"].widget.choices = [("", _("全部")), *communities]


class WomanFilter(RegisterFilter):
    """Apply allowlisted filters to a queryset already limited to the user's scope."""

    form_class = WomanFilterForm

    def apply(self, queryset, export: bool = False):
        data = self.data
        if q := (data.get("q") or "").strip():
            name = normalise_name(q)
            queryset = queryset.filter(Q(name__icontains=name) | Q(file_number__in={q, q.upper()}))
        if org_id := data.get("community"):
            org = Org.objects.filter(pk=org_id).only("path").first()
            queryset = queryset.filter(subtree_q(org.path, "org__path")) if org else queryset.none()
        if group := data.get("group"):
            queryset = queryset.filter(groups__code=group)
        status = data.get("status") or ""
        if status == "":
            queryset = queryset.filter(status=WomanStatus.ACTIVE)
        elif status != ALL:
            queryset = queryset.filter(status=status)
        return queryset.order_by(*SORTS[data.get("sort") or DEFAULT_SORT])

    @property
    def sort(self) -> str:
        return self.data.get("sort") or DEFAULT_SORT
