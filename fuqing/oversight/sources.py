"""Where the assessment's computed items get their figures: the one figures registry
(``fuqing.core.figures``). This module is the only place oversight reads it, so scoring sees one shape:
``values_for_units(key, units, year)`` -> ``{unit id: Figure}``, or ``None`` when no app has registered
the key (yet): the item then says "no data" plainly instead of failing.

Items may name any registered figure whose value is a number; the assessment's own measures (rates of
cadres, needs and targets) are registered by this app in ``oversight/figures.py``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fuqing.core import figures

# Figures the notice's scheme needs that another app owns and registers (issue 12, the building app):
# an item may name them before they exist; until then it has no data.
EXPECTED = {
    "building.homes_coverage": _("有妇女之家的村(社区)比例"),
    "building.groups_coverage": _("有妇女小组的村(社区)比例"),
    "building.teams_complete": _("班子齐全的妇联比例"),
    "building.trained_units": _("有干部参训的单位比例"),
}


def labels() -> dict[str, str]:
    """Every figure an item may read, key -> label (those not registered yet say so)."""
    found = {p.key: str(p.label) for p in figures.providers()}
    for key, label in EXPECTED.items():
        found.setdefault(key, str(_("%(label)s（暂无数据）") % {"label": label}))
    return found


def is_registered(key: str) -> bool:
    return figures.get_provider(key) is not None


def scope_of(units: list, year: int, root=None) -> figures.FigureScope:
    """One scope for all the items read for ``units``: figures that share their queries (the building
    tallies, the needs counts) keep them in its cache and read them once."""
    return figures.FigureScope.of_year(root or units[0], year)


def values_for_units(key: str, units: list, year: int, root=None, scope=None) -> dict | None:
    """The figure ``key`` of ``year`` for every unit (a bounded number of queries when its provider
    answers many units at once), or None when no app has registered it. ``scope``: one shared by the
    items of a sheet (``scope_of``)."""
    if not is_registered(key):
        return None
    if not units:
        return {}
    return figures.compute_for_units(key, scope or scope_of(units, year, root), units)
