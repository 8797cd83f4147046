"""The building figures (issue 12 point 8) in the platform's one registry (``fuqing.core.figures``):
coverage of Women's Homes and women's groups among villages and communities, complete teams, trained
units and cadres — each one set of grouped queries over the subtree (``coverage``), for one unit or many
(dashboards drilling down, assessment ranking)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fuqing.building.coverage import Tally, tally_units
from fuqing.core.figures import Figure, FigureScope, figure


def _tallies(scope: FigureScope, units) -> dict[str, Tally]:
    # one set of grouped queries answers all the building figures: a dashboard showing three of them for
    # the same units reads the tallies once (kept in the scope's cache)
    key = ("building.tallies", tuple(unit.pk for unit in units))
    if key not in scope.cache:
        scope.cache[key] = tally_units(units, scope.year, scope.end)
    return scope.cache[key]


def _rate(key, label, part: int, whole: int, what: str) -> Figure:
    if not whole:
        return Figure.missing(key, label, _("本单位之下没有%(w)s") % {"w": what})
    value = (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))
    return Figure(
        key,
        str(label),
        value,
        "%",
        note=_("%(p)d / %(w)d 个%(what)s") % {"p": part, "w": whole, "what": what},
    )


def _register(key, label, order, make):
    def one(scope: FigureScope) -> Figure:
        return make(_tallies(scope, [scope.org]).get(scope.org.path, Tally()))

    one.__name__ = key.replace(".", "_")
    provider = figure(key, label, order=order)(one)

    @provider.for_units
    def many(scope: FigureScope, units) -> dict[int, Figure]:
        found = _tallies(scope, units)
        return {unit.pk: make(found.get(unit.path, Tally())) for unit in units}

    return provider


HOMES = gettext_lazy("有妇女之家的村(社区)比例")
GROUPS = gettext_lazy("有妇女小组的村(社区)比例")
TEAMS = gettext_lazy("班子齐全的妇联比例")
TRAINED_UNITS = gettext_lazy("有干部参训的单位比例")
TRAINED_CADRES = gettext_lazy("参训干部人数")

homes_coverage = _register(
    "building.homes_coverage",
    HOMES,
    110,
    lambda t: _rate("building.homes_coverage", HOMES, t.communities_with_home, t.communities, _("村(社区)")),
)
groups_coverage = _register(
    "building.groups_coverage",
    GROUPS,
    111,
    lambda t: _rate(
        "building.groups_coverage", GROUPS, t.communities_with_group, t.communities, _("村(社区)")
    ),
)
teams_complete = _register(
    "building.teams_complete",
    TEAMS,
    112,
    lambda t: _rate("building.teams_complete", TEAMS, t.teams_complete, t.units, _("妇联组织")),
)
trained_units = _register(
    "building.trained_units",
    TRAINED_UNITS,
    113,
    lambda t: _rate(
        "building.trained_units", TRAINED_UNITS, t.trained_units, t.units_to_train, _("应训单位")
    ),
)
trained_cadres = _register(
    "building.trained_cadres",
    TRAINED_CADRES,
    114,
    lambda t: Figure(
        "building.trained_cadres",
        str(TRAINED_CADRES),
        t.trained_cadres,
        _("人"),
        note=_("共 %(h)s 学时") % {"h": round(t.training_hours, 1)},
    ),
)
