"""The needs' filters (NEED-1, NEED-4), one definition shared by the list page, the ledger export and the
API (issue 11 point 1): words, status, category, source, year, theme keyword, overdue, a unit's subtree,
one woman's needs. Pairings, actions and suggestions likewise, each one class; the ids they take (a
unit, a woman, a need, a project) go through the scope door (``RegisterFilter.ids``)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from fuqing.assistance.forms import (
    ActionFilterForm,
    NeedFilterForm,
    PairingFilterForm,
    SuggestionFilterForm,
)
from fuqing.core.filters import RegisterFilter
from fuqing.orgs.models import Org


class NeedFilter(RegisterFilter):
    form_class = NeedFilterForm

    def apply(self, queryset, default_year: int | None = None):
        data = self.data
        if not self.form.is_bound or not self.form.is_valid():
            return queryset.filter(year=default_year) if default_year else queryset
        if unit := self.unit():
            queryset = queryset.in_subtree(unit)
        if q := data.get("q"):
            queryset = queryset.filter(
                Q(description__icontains=q) | Q(group_description__icontains=q) | Q(org__name=q)
            )
        for field in ("status", "category", "source"):
            if data.get(field):
                queryset = queryset.filter(**{field: data[field]})
        if year := data.get("year") or default_year:
            queryset = queryset.filter(year=year)
        if data.get("keyword"):
            queryset = queryset.filter(keywords__keyword=data["keyword"])
        if data.get("woman"):
            queryset = queryset.filter(woman_id=data["woman"])
        if data.get("overdue"):
            queryset = queryset.overdue(timezone.localdate())
        return queryset

    def unit(self) -> Org | None:
        """The unit whose subtree is asked for, when the caller may see it."""
        if not self.data.get("org"):
            return None
        orgs = Org.objects.visible_to(self.user) if self.user is not None else Org.objects.all()
        return orgs.filter(pk=self.data["org"]).first()


def _in_force(queryset, year: int):
    """Pairs in force during the year: started by its end, not ended before it began."""
    return queryset.filter(starts_on__lte=datetime.date(year, 12, 31)).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=datetime.date(year, 1, 1))
    )


class PairingFilter(RegisterFilter):
    """The pairings' filters (NEED-2): words (household, notes, a helper's name), status, the year the
    pair was in force, a unit's subtree, one woman's pairs."""

    form_class = PairingFilterForm
    ids = {"org": "orgs.Org", "woman": "registry.Woman"}

    def narrow(self, queryset, default_year: int | None = None):
        data = self.data
        if unit := self.objects.get("org"):
            queryset = queryset.in_subtree(unit)
        if woman := self.objects.get("woman"):
            queryset = queryset.filter(woman=woman)
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(
                Q(household__icontains=q)
                | Q(notes__icontains=q)
                | Q(helpers__user__name=q)
                | Q(helpers__helper_org__name=q)
            ).distinct()
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if year := data.get("year") or default_year:
            queryset = _in_force(queryset, year)
        return queryset


class ActionFilter(RegisterFilter):
    """The actions' filters (NEED-3): words, service, year, project (linked or by name), a unit's
    subtree, one need's or one woman's actions."""

    form_class = ActionFilterForm
    ids = {
        "org": "orgs.Org",
        "project_id": "projects.Project",
        "need": "assistance.Need",
        "woman": "registry.Woman",
    }

    def narrow(self, queryset, default_year: int | None = None):
        data = self.data
        if unit := self.objects.get("org"):
            queryset = queryset.in_subtree(unit)
        for name, field in (("project_id", "project"), ("need", "need"), ("woman", "woman")):
            if found := self.objects.get(name):
                queryset = queryset.filter(**{field: found})
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(Q(notes__icontains=q) | Q(project_name__icontains=q))
        if data.get("service"):
            queryset = queryset.filter(service=data["service"])
        if data.get("project") and not self.objects.get("project_id"):
            queryset = queryset.filter(Q(project__name=data["project"]) | Q(project_name=data["project"]))
        if year := data.get("year") or default_year:
            queryset = queryset.filter(year=year)
        return queryset


class SuggestionFilter(RegisterFilter):
    """The suggestions' filters (NEED-6): words (title, content, department), year, the step reached,
    a unit's subtree."""

    form_class = SuggestionFilterForm
    ids = {"org": "orgs.Org"}

    def narrow(self, queryset, default_year: int | None = None):
        data = self.data
        if unit := self.objects.get("org"):
            queryset = queryset.in_subtree(unit)
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(
                Q(title__icontains=q) | Q(content__icontains=q) | Q(recipient_name__icontains=q)
            )
        if data.get("stage") not in (None, ""):
            queryset = queryset.filter(stage=int(data["stage"]))
        if year := data.get("year") or default_year:
            queryset = queryset.filter(year=year)
        return queryset
