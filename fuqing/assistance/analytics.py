"""The needs register's materialised figures (issue 16): needs counted by unit, day reported and status,
and by unit, day and category, in the analytics tables (``fuqing.core.analytics``). Each figure is built
by the same function its live provider uses (``fuqing.assistance.figures``), so the two agree."""

from __future__ import annotations

from fuqing.assistance import figures
from fuqing.assistance.models import Need, NeedCategory, NeedStatus
from fuqing.core import analytics

BY_STATUS = analytics.fact("assistance.needs_by_status", Need, day="reported_on", code="status")
BY_CATEGORY = analytics.fact("assistance.needs_by_category", Need, day="reported_on", code="category")


def _total(rows) -> int:
    return sum(n for _code, n in rows)


def _categories() -> dict[str, tuple[str, int]]:
    """The dictionary's categories, id (as a cell's code) -> (name, sort): one query per read."""
    return {
        str(pk): (name, sort) for pk, name, sort in NeedCategory.objects.values_list("id", "name", "sort")
    }


def _by_category(rows, categories) -> object:
    found = []
    for code, n in rows:
        name, sort = categories.get(code, (None, None))
        found.append(
            {"category__name": name, "category__sort": sort, "n": n, "label": name or str(figures.UNSET)}
        )
    return figures._by_category(found)


analytics.materialise("needs_found", BY_STATUS, figures._found)
analytics.materialise("needs_count", BY_STATUS, lambda rows: figures._count(_total(rows)))
analytics.materialise(
    "needs_resolved",
    BY_STATUS,
    lambda rows: figures._resolved(sum(n for code, n in rows if code == NeedStatus.RESOLVED)),
)
analytics.materialise("needs_by_category", BY_CATEGORY, _by_category, prepare=_categories)
