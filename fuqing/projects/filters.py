"""The beneficiaries' filters (PRJ-4), one definition shared by the list page, the ledger export and the
API (issue 11 point 1): words, project, year — and, on the page and in its export, a woman's exact name
(never in an API query string: a name stays out of URLs, SEC-8)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fuqing.core.filters import RegisterFilter
from fuqing.core.forms import Form


class BeneficiaryFilterForm(Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    project = forms.IntegerField(label=_("项目"), required=False, min_value=1)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)


class BeneficiaryFilter(RegisterFilter):
    form_class = BeneficiaryFilterForm

    def apply(self, queryset, default_year: int | None = None, names: bool = True):
        data = self.data
        if q := (data.get("q") or "").strip():
            words = Q(notes__icontains=q) | Q(help_kind__icontains=q) | Q(project__name__icontains=q)
            queryset = queryset.filter(words | Q(woman__name=q) if names else words)
        if data.get("project"):
            queryset = queryset.filter(project_id=data["project"])
        if year := data.get("year") or default_year:
            queryset = queryset.filter(year=year)
        return queryset
