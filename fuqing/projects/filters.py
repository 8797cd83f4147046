"""The projects' registers' filters, one definition each shared by the list page, the ledger export and
the API (issue 11 point 1). Beneficiaries (PRJ-4): words, project, year — and, on the page and in its
export, a woman's exact name (never in an API query string: a name stays out of URLs, SEC-8).
Indicators, targets, progress, volunteers and households: an id they take (project, indicator, unit)
goes through the scope door (``RegisterFilter.ids``)."""

from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from fuqing.core.filters import RegisterFilter
from fuqing.core.forms import Form
from fuqing.core.scoping import subtree_q
from fuqing.projects.models import VolunteerPair


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


def _words(queryset, q: str, *fields: str):
    """Rows with ``q`` in any of ``fields`` (the register's 关键词)."""
    if not (q := (q or "").strip()):
        return queryset
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": q})
    return queryset.filter(condition)


def _within(queryset, unit, field: str = "org__path"):
    """Rows of ``unit`` and the units under it (a unit already found inside the caller's scope)."""
    return queryset.filter(subtree_q(unit.path, field)) if unit is not None else queryset


class IndicatorFilterForm(Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    project = forms.IntegerField(label=_("项目"), required=False, min_value=1, widget=forms.HiddenInput)


class IndicatorFilter(RegisterFilter):
    """Indicators (PRJ-2): words, year, one project of the caller's scope."""

    form_class = IndicatorFilterForm
    ids = {"project": "projects.Project"}

    def narrow(self, queryset, default_year: int | None = None):
        queryset = _words(queryset, self.data.get("q"), "name", "project__name")
        if year := self.data.get("year") or default_year:
            queryset = queryset.filter(project__year=year)
        if project := self.objects.get("project"):
            queryset = queryset.filter(project=project)
        return queryset


class TargetFilterForm(Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    indicator = forms.IntegerField(label=_("指标"), required=False, min_value=1, widget=forms.HiddenInput)
    org = forms.IntegerField(label=_("单位及其下级"), required=False, min_value=1, widget=forms.HiddenInput)


class TargetFilter(RegisterFilter):
    """Split targets (PRJ-2): words, year, one indicator, the targets of a unit and the units under it."""

    form_class = TargetFilterForm
    ids = {"indicator": "projects.Indicator", "org": "orgs.Org"}

    def narrow(self, queryset, default_year: int | None = None):
        queryset = _words(queryset, self.data.get("q"), "note", "indicator__name")
        if year := self.data.get("year") or default_year:
            queryset = queryset.filter(indicator__project__year=year)
        if indicator := self.objects.get("indicator"):
            queryset = queryset.filter(indicator=indicator)
        return _within(queryset, self.objects.get("org"))


class ProgressFilterForm(Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    indicator = forms.IntegerField(label=_("指标"), required=False, min_value=1, widget=forms.HiddenInput)
    org = forms.IntegerField(label=_("单位及其下级"), required=False, min_value=1, widget=forms.HiddenInput)
    corrections = forms.BooleanField(label=_("只看更正过的"), required=False)


class ProgressFilter(RegisterFilter):
    """Reported progress (PRJ-3): words, year, one indicator, a unit's subtree, only corrected values."""

    form_class = ProgressFilterForm
    ids = {"indicator": "projects.Indicator", "org": "orgs.Org"}

    def narrow(self, queryset, default_year: int | None = None):
        queryset = _words(queryset, self.data.get("q"), "reason", "indicator__name", "org__name")
        if year := self.data.get("year") or default_year:
            queryset = queryset.filter(year=year)
        if indicator := self.objects.get("indicator"):
            queryset = queryset.filter(indicator=indicator)
        if self.data.get("corrections"):
            queryset = queryset.filter(Q(superseded_at__isnull=False) | Q(corrects__isnull=False))
        return _within(queryset, self.objects.get("org"))


class VolunteerFilterForm(Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    org = forms.IntegerField(label=_("单位及其下级"), required=False, min_value=1, widget=forms.HiddenInput)


class VolunteerFilter(RegisterFilter):
    """巾帼志愿者 (PRJ-5): words (name, notes, unit), a unit's subtree."""

    form_class = VolunteerFilterForm
    ids = {"org": "orgs.Org"}

    def narrow(self, queryset):
        queryset = _words(queryset, self.data.get("q"), "name", "notes", "org__name")
        return _within(queryset, self.objects.get("org"))


class HouseholdFilterForm(Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    org = forms.IntegerField(label=_("单位及其下级"), required=False, min_value=1, widget=forms.HiddenInput)
    unpaired = forms.BooleanField(label=_("只看未结对的"), required=False)


class HouseholdFilter(RegisterFilter):
    """空巢老人家庭 (PRJ-5): words (address, notes, unit), a unit's subtree, only those without a pair."""

    form_class = HouseholdFilterForm
    ids = {"org": "orgs.Org"}

    def narrow(self, queryset):
        queryset = _words(queryset, self.data.get("q"), "address", "notes", "org__name")
        if self.data.get("unpaired"):
            paired = VolunteerPair.objects.filter(household=OuterRef("pk"), ended_on__isnull=True)
            queryset = queryset.filter(~Exists(paired))
        return _within(queryset, self.objects.get("org"))
