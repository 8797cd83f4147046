"""The visits' filters (FLD-2), one definition shared by the list page, the ledger export and the API
(issue 11 point 1): keyword, year, method, mine, a unit's subtree, a period."""

from __future__ import annotations

from django.db.models import Q

from fuqing.core.filters import RegisterFilter
from fuqing.core.scoping import subtree_q
from fuqing.fieldwork.forms import VisitFilterForm
from fuqing.orgs.models import Org


class VisitFilter(RegisterFilter):
    form_class = VisitFilterForm

    def apply(self, queryset, default_year: int | None = None):
        data = self.data
        q = data.get("q") or ""
        if year := self.year(default_year):
            queryset = queryset.filter(year=year)
        if q:
            queryset = queryset.filter(
                Q(notes__icontains=q)
                | Q(needs_text__icontains=q)
                | Q(place__name__icontains=q)
                | Q(lead__name__icontains=q)
                | Q(org__name__icontains=q)
            )
        if data.get("method"):
            queryset = queryset.filter(method=data["method"])
        if data.get("mine") and self.user is not None:
            queryset = queryset.filter(memberships__user=self.user)
        if data.get("org"):
            orgs = Org.objects.visible_to(self.user) if self.user is not None else Org.objects.all()
            area = orgs.filter(pk=data["org"]).only("path").first()
            queryset = queryset.filter(subtree_q(area.path, "org__path")) if area else queryset.none()
        if data.get("started_from"):
            queryset = queryset.filter(started_on__gte=data["started_from"])
        if data.get("started_to"):
            queryset = queryset.filter(started_on__lte=data["started_to"])
        return queryset

    def year(self, default_year: int | None = None) -> int | None:
        """The year asked, else the default (the page's top bar) — a search looks through every year."""
        return self.data.get("year") or (None if self.data.get("q") else default_year)
