"""Where the assessment's computed items get their figures: the one figures registry
(``fuqing.core.figures``). This module is the only place oversight talks to it, so the scoring code sees
one shape: ``values_for_units(key, units, year)`` -> ``{unit id: Value}``, or ``None`` when no app has
registered the key yet (the item then says "no data" plainly instead of failing).

A ``Value`` keeps what a score must show to be reproducible: the number, and the figures it came from
(label, value pairs), so a published sheet can repeat them word for word.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


@dataclass
class Value:
    value: Decimal | None  # None: the figure exists but has nothing to say for this unit
    breakdown: list[tuple[str, object]] = field(default_factory=list)
    note: str = ""

    def to_data(self) -> dict:
        return {
            "value": None if self.value is None else str(self.value),
            "breakdown": [[str(label), _plain(v)] for label, v in self.breakdown],
            "note": str(self.note),
        }


def _plain(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    for_units: Callable  # (units, start, end) -> {unit id: Value}


_LOCAL: dict[str, Source] = {}

# Figures the notice's scheme needs that another app owns and registers (issue 12, the building app):
# an item may name them before they exist; until then it has no data.
EXPECTED = {
    "building.homes_coverage": _("有妇女之家的村(社区)比例"),
    "building.groups_coverage": _("建有妇女小组的村(社区)比例"),
    "building.teams_complete": _("班子配备齐全的妇联比例"),
    "building.training_coverage": _("干部培训覆盖率"),
}


def source(key: str, label):
    """Register an assessment figure (grouped over many units in one query per depth)."""

    def decorate(func):
        _LOCAL[key] = Source(key, label, func)
        return func

    return decorate


def year_period(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def labels() -> dict[str, str]:
    """Every figure an item may read, key -> label (those not registered yet say so)."""
    found = {key: str(s.label) for key, s in sorted(_LOCAL.items())}
    for key, label in EXPECTED.items():
        found.setdefault(key, str(_("%(label)s（暂无数据）") % {"label": label}))
    return found


def is_registered(key: str) -> bool:
    return key in _LOCAL


def values_for_units(key: str, units: list, year: int) -> dict[int, Value] | None:
    """The figure ``key`` for every unit (a bounded number of queries), or None when unregistered."""
    found = _LOCAL.get(key)
    if found is None:
        return None
    if not units:
        return {}
    start, end = year_period(year)
    return found.for_units(units, start, end)
