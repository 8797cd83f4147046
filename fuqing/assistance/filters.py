"""The needs' filters (NEED-1, NEED-4), one definition shared by the list page, the ledger export and the
API (issue 11 point 1): words, status, category, source, year, theme keyword, overdue, a unit's subtree,
one woman's needs."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from fuqing.assistance.forms import NeedFilterForm
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
