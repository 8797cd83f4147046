"""The research reports' filters (RES-2), one definition shared by the list page, the ledger export and
the API (issue 11 point 1)."""

from __future__ import annotations

from django.db.models import Q

from fuqing.core.filters import RegisterFilter
from fuqing.core.scoping import subtree_q
from fuqing.research import rules
from fuqing.research.forms import ReportFilterForm
from fuqing.research.models import Report, ReportStatus


def awaiting_review(user, qs=None):
    """Submitted reports this user may review: the research office's scope, or her child units'."""
    qs = Report.objects.visible_to(user) if qs is None else qs
    qs = qs.filter(status=ReportStatus.SUBMITTED)
    if rules.is_research_office(user):
        return qs
    if user.is_leader and user.has_module_perm("research", "approve") and user.org_id:
        return qs.filter(subtree_q(user.org.path, "org__path"), org__depth=user.org.depth + 1)
    return qs.none()


class ReportFilter(RegisterFilter):
    """Year, status, words of the title, unit or authors, and "awaiting my review"."""

    form_class = ReportFilterForm

    def apply(self, queryset, default_year: int | None = None):
        data = self.data
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(
                Q(title__icontains=q) | Q(org__name__icontains=q) | Q(authors__icontains=q)
            )
        if data.get("waiting") and self.user is not None:
            queryset = awaiting_review(self.user, queryset)
        if year := self.year(default_year):
            queryset = queryset.filter(year=year)
        return queryset

    def year(self, default_year: int | None = None) -> int | None:
        """The year asked, else the default — except "awaiting my review" without a year: every year."""
        if self.data.get("year"):
            return self.data["year"]
        return None if self.data.get("waiting") else default_year
