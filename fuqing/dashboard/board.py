"""The dashboard of a unit (RPT-1): the registered figures of the unit and of its children, this year
against the same span of last year, in a bounded number of queries.

Every number comes from the one figures registry (``fuqing.core.figures``); nothing is counted here but
the published assessment ranks. Each figure is computed once per year for the unit and its children
together through ``compute_for_units`` (one grouped query per depth and figure), so the number of queries
does not grow with the number of children.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fuqing.core.figures import FigureScope, compute_for_units, get_provider
from fuqing.core.scoping import subtree_q
from fuqing.orgs.models import Org, OrgKind
from fuqing.oversight.models import ResultSheet

VALUE = "value"  # one number per unit: this year's and last year's bars side by side
BREAKDOWN = "breakdown"  # rows per unit (by status, by category): stacked bars of this year


@dataclass(frozen=True)
class Card:
    key: str  # a registered figure
    kind: str = VALUE
    section: str = ""


# The dashboard's figures, grouped in the sections of RPT-1, in the order they are shown.
SECTIONS = [
    (
        gettext_lazy("走访与下基层"),
        [Card("visit_count"), Card("fieldwork.grassroots_days")],
    ),
    (
        gettext_lazy("妇女诉求"),
        [Card("needs_found", BREAKDOWN), Card("needs_by_category", BREAKDOWN)],
    ),
    (
        gettext_lazy("实事项目目标"),
        [Card("projects.targets_by_status", BREAKDOWN)],
    ),
    (
        gettext_lazy("调研与总结"),
        [Card("reports", BREAKDOWN), Card("oversight.submissions_on_time_rate")],
    ),
    (
        gettext_lazy("妇女之家与培训"),
        [Card("building.homes_coverage"), Card("building.trained_units"), Card("building.trained_cadres")],
    ),
]
CHILD_KINDS_SKIPPED = (OrgKind.DEPARTMENT, OrgKind.WOMENS_GROUP)  # offices and groups have no dashboard


def as_of(year: int, today: datetime.date | None = None) -> datetime.date:
    """The last day counted: today during the year, the year's last day for a past year."""
    today = today or timezone.localdate()
    end = datetime.date(year, 12, 31)
    return min(today, end) if today.year == year else end


def same_day_last_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def periods(year: int, user=None, today=None) -> tuple[FigureScope, FigureScope]:
    """This year from 1 January to ``as_of`` and the same span of last year (同期)."""
    end = as_of(year, today)
    this = FigureScope(None, datetime.date(year, 1, 1), end, user=user)
    last = FigureScope(None, datetime.date(year - 1, 1, 1), same_day_last_year(end), user=user)
    return this, last


def children_of(unit: Org, user) -> list[Org]:
    """The unit's children the user may see (one query), offices and women's groups left out."""
    return list(
        Org.objects.visible_to(user)
        .filter(subtree_q(unit.path), depth=unit.depth + 1, is_active=True)
        .exclude(kind__in=CHILD_KINDS_SKIPPED)
        .order_by("path")
    )


def _num(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def _change(this, last):
    if this is None or last is None:
        return None
    return _num(this) - _num(last)


@dataclass
class Board:
    unit: Org
    year: int
    start: datetime.date
    end: datetime.date
    last_start: datetime.date
    last_end: datetime.date
    children: list
    sections: list = field(default_factory=list)  # [(title, [card dict])]
    rank: dict | None = None
    # when the analytics tables the figures were read from were counted (None: computed just now)
    figures_as_of: datetime.datetime | None = None

    def to_data(self) -> dict:
        return {
            "unit": {"id": self.unit.pk, "name": self.unit.name},
            "year": self.year,
            "period": [self.start.isoformat(), self.end.isoformat()],
            "last_period": [self.last_start.isoformat(), self.last_end.isoformat()],
            "children": [{"id": c.pk, "name": c.name} for c in self.children],
            "sections": [{"title": title, "figures": cards} for title, cards in self.sections],
            "rank": self.rank,
            "figures_as_of": self.figures_as_of.isoformat() if self.figures_as_of else None,
        }


def _card(card: Card, this: dict, last: dict, unit: Org, children: list) -> dict | None:
    provider = get_provider(card.key)
    if provider is None:  # an app not installed: its figure is left out
        return None
    now, before = this.get(unit.pk), last.get(unit.pk)
    label = str(provider.label)
    out = {
        "key": card.key,
        "kind": card.kind,
        "label": label,
        "unit": str(now.unit) if now else "",
        "note": str(now.note) if now else "",
        "this": _num(now.value) if now else None,
        "last": _num(before.value) if before else None,
        "change": _change(now.value if now else None, before.value if before else None),
        "children": [
            {
                "id": c.pk,
                "name": c.name,
                "this": _num(this[c.pk].value) if this.get(c.pk) else None,
                "last": _num(last[c.pk].value) if last.get(c.pk) else None,
            }
            for c in children
        ],
    }
    if card.kind == BREAKDOWN:
        rows_now = {str(r[0]): _num(r[1]) for r in (now.breakdown if now else [])}
        rows_before = {str(r[0]): _num(r[1]) for r in (before.breakdown if before else [])}
        names = list(dict.fromkeys([*rows_now, *rows_before]))
        out["breakdown"] = [[n, rows_now.get(n, 0), rows_before.get(n, 0)] for n in names]
        out["series"] = [
            {
                "name": n,
                "data": [
                    _num(dict((str(r[0]), r[1]) for r in this[c.pk].breakdown).get(n, 0))
                    if this.get(c.pk)
                    else 0
                    for c in children
                ],
            }
            for n in names
        ]
    return out


def ranks(units: list[Org], year: int, user) -> dict[tuple[int, int], dict]:
    """Published assessment results of ``units`` for ``year`` and the year before, as far as the user may
    see them (one query): {(unit id, year): {total, rank, of, level}}."""
    rows = (
        ResultSheet.objects.visible_to(user)
        .filter(
            unit__in=units,
            scheme__year__in=[year, year - 1],
            scheme__published_at__isnull=False,
        )
        .values("unit_id", "scheme__year", "total", "rank", "of", "level")
    )
    return {
        (r["unit_id"], r["scheme__year"]): {
            "total": float(r["total"]),
            "rank": r["rank"],
            "of": r["of"],
            "level": r["level"],
        }
        for r in rows
    }


def build(unit: Org, year: int, user, today: datetime.date | None = None) -> Board:
    """The dashboard of ``unit`` for ``year`` as ``user`` sees it."""
    children = children_of(unit, user)
    this, last = periods(year, user, today)
    units = [unit, *children]
    board = Board(unit, year, this.start, this.end, last.start, last.end, children)
    for title, cards in SECTIONS:
        shown = []
        for card in cards:
            if get_provider(card.key) is None:
                continue
            now = compute_for_units(card.key, this, units)
            before = compute_for_units(card.key, last, units)
            found = _card(card, now, before, unit, children)
            if found is not None:
                shown.append(found)
        if shown:
            board.sections.append((str(title), shown))
    served = [s.served_as_of for s in (this, last) if s.served_as_of is not None]
    board.figures_as_of = min(served) if served else None
    found = ranks(units, year, user)
    board.rank = {
        "label": _("考核排名"),
        "this": found.get((unit.pk, year)),
        "last": found.get((unit.pk, year - 1)),
        "children": [
            {"id": c.pk, "name": c.name, "this": found.get((c.pk, year)), "last": found.get((c.pk, year - 1))}
            for c in children
        ],
    }
    return board


def as_of_year() -> int:
    return timezone.localdate().year
