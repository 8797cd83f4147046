"""Research's figures (RES-2, RES-3) in the platform's one registry (``fuqing.core.figures``).

The registry itself, and the figures of other registers that reports insert with ``{{figure:key}}``
(visits, women met, needs…), live with their own apps; a report reads them all through
``fuqing.core.figures``."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy

from fuqing.core.figures import (
    SUMMARY_KINDS,
    Figure,
    FigureScope,
    by_code,
    figure,
    labelled,
    subtree_groups,
    tally,
)
from fuqing.research.models import Report, ReportStatus


def _figure(rows, year: int) -> Figure:
    counts = labelled(by_code(rows), ReportStatus.choices)
    return tally("reports", "调研报告", counts, "篇", "报告状态", note=f"{year}年度")


@figure("reports", gettext_lazy("调研报告"), order=70, summaries=SUMMARY_KINDS)
def reports(scope: FigureScope) -> Figure:
    """Research reports of the campaign year, by status (RES-2, RES-3)."""
    rows = scope.rows(Report).filter(year=scope.year).values_list("status").annotate(n=Count("pk"))
    return _figure(rows.order_by("status"), scope.year)


@reports.for_units
def reports_for_units(scope: FigureScope, units) -> dict:
    found = subtree_groups(scope.visible(Report).filter(year=scope.year), units, "status", n=Count("pk"))
    return {pk: _figure([(r["status"], r["n"]) for r in rows], scope.year) for pk, rows in found.items()}
