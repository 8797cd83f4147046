"""Figures of field work, computed in the database over a subtree (FLD-1, FLD-4, FLD-5).

Every function here issues a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Substr

from fuqing.core.scoping import subtree_q
from fuqing.fieldwork.models import (
    GRASSROOTS_DAYS_TARGET,
    ContactPoint,
    Visit,
    VisitDay,
    VisitGroupCount,
    VisitMember,
    VisitMethod,
)
from fuqing.orgs.models import Org, OrgKind, Position, Rank, User
from fuqing.registry.models import VulnerableGroup

COMPLIANCE_RANKS = (Rank.BUREAU, Rank.DIVISION)


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


# --- grassroots days (FLD-4) -----------------------------------------------------------------------


def grassroots_days(user, year: int) -> int:
    """Distinct days of all visits she joined in ``year``: overlapping visits count a day once."""
    start, end = year_bounds(year)
    return VisitDay.objects.filter(user=user, day__gte=start, day__lte=end).values("day").distinct().count()


@dataclass(frozen=True)
class Pace:
    days: int
    needed: int  # days still needed to reach the target
    projected: int  # days at year end if the pace since 1 January holds
    on_track: bool


def pace(days: int, year: int, today: datetime.date, target: int = GRASSROOTS_DAYS_TARGET) -> Pace:
    """Whether the pace since January reaches ``target`` by 31 December (a past year is final)."""
    start, end = year_bounds(year)
    if today > end:
        projected = days
    elif today < start:
        projected = 0
    else:
        elapsed = (today - start).days + 1
        projected = round(days * ((end - start).days + 1) / elapsed)
    return Pace(days=days, needed=max(target - days, 0), projected=projected, on_track=projected >= target)


def compliance_queryset(actor, area: Org, year: int, below_only: bool = True):
    """Bureau- and division-level cadres of ``area``'s subtree with their grassroots days in ``year``,
    fewest first, in one query: each cadre's distinct days are a correlated COUNT over the (user, day)
    index, so nothing wide is sorted or grouped (there are hundreds of such cadres in a province)."""
    start, end = year_bounds(year)
    days = (
        VisitDay.objects.filter(user=OuterRef("pk"), day__gte=start, day__lte=end)
        .order_by()
        .values("user")
        .annotate(n=Count("day", distinct=True))
        .values("n")
    )
    qs = (
        User.objects.visible_to(actor)
        .filter(subtree_q(area.path, "org__path"), is_active=True, rank__in=COMPLIANCE_RANKS)
        .annotate(days=Coalesce(Subquery(days, output_field=IntegerField()), 0))
    )
    if below_only:
        qs = qs.filter(days__lt=GRASSROOTS_DAYS_TARGET)
    return (
        qs.select_related("org")
        .only("id", "username", "name", "position", "rank", "org__name", "org__path")
        .order_by("days", "org__path", "name", "pk")
    )


@dataclass(frozen=True)
class CadreDays:
    id: int
    username: str
    name: str
    org_name: str
    position_label: str
    rank_label: str
    days: int


def compliance_rows(actor, area: Org, year: int) -> list[CadreDays]:
    """The compliance list as plain rows (no model instances: it is read-only and may be a province)."""

    positions, ranks = dict(Position.choices), dict(Rank.choices)
    values = compliance_queryset(actor, area, year, below_only=False).values_list(
        "id", "username", "name", "org__name", "position", "rank", "days"
    )
    return [
        CadreDays(
            pk,
            username,
            name or username,
            org_name,
            str(positions.get(pos, pos)),
            str(ranks.get(rank, rank)),
            days,
        )
        for pk, username, name, org_name, pos, rank, days in values
    ]


# --- the needs-survey month (FLD-5) ------------------------------------------------------------------


@dataclass
class FigureRow:
    org: Org | None  # None: the area's own visits (本级) or the total
    label: str
    visits: int = 0
    by_method: dict = field(default_factory=dict)
    women: int = 0
    by_group: dict = field(default_factory=dict)
    led_by_leaders: int = 0

    def add(self, other: FigureRow) -> None:
        self.visits += other.visits
        self.women += other.women
        self.led_by_leaders += other.led_by_leaders
        for key, value in other.by_method.items():
            self.by_method[key] = self.by_method.get(key, 0) + value
        for key, value in other.by_group.items():
            self.by_group[key] = self.by_group.get(key, 0) + value

    def method_cells(self) -> list[int]:
        return [self.by_method.get(m, 0) for m in VisitMethod.values]

    def group_cells(self, groups) -> list[int]:
        return [self.by_group.get(g.pk, 0) for g in groups]


@dataclass
class SurveyFigures:
    area: Org
    start: datetime.date
    end: datetime.date
    rows: list[FigureRow]
    own: FigureRow
    total: FigureRow
    groups: list


def survey_month_figures(actor, area: Org, year: int, month: int = 4) -> SurveyFigures:
    """Visits started in the survey month, rolled up to each child of ``area`` (its whole subtree):
    count per method, women met, women of each vulnerable group, visits led by leaders. Four queries."""

    start, end = month_bounds(year, month)
    width = len(area.path) + Org.steplen
    visits = (
        Visit.objects.visible_to(actor)
        .filter(subtree_q(area.path, "org__path"), started_on__gte=start, started_on__lte=end)
        .annotate(unit=Substr("org__path", 1, width))
        .values("unit", "method")
        .annotate(n=Count("id"), women=Sum("women_met"), led=Count("id", filter=Q(led_by_leader=True)))
        .order_by()
    )
    groups_q = (
        VisitGroupCount.objects.visible_to(actor)
        .filter(
            subtree_q(area.path, "visit__org__path"),
            visit__started_on__gte=start,
            visit__started_on__lte=end,
        )
        .annotate(unit=Substr("visit__org__path", 1, width))
        .values("unit", "group_id")
        .annotate(n=Sum("count"))
        .order_by()
    )
    children = list(Org.objects.filter(subtree_q(area.path), depth=area.depth + 1).order_by("path"))
    by_unit = {c.path: FigureRow(org=c, label=c.name) for c in children}
    own = FigureRow(org=None, label="本级")
    by_unit[area.path] = own
    for row in visits:
        target = by_unit.get(row["unit"])
        if target is None:
            continue
        target.visits += row["n"]
        target.women += row["women"] or 0
        target.led_by_leaders += row["led"]
        target.by_method[row["method"]] = target.by_method.get(row["method"], 0) + row["n"]
    for row in groups_q:
        target = by_unit.get(row["unit"])
        if target is not None:
            target.by_group[row["group_id"]] = target.by_group.get(row["group_id"], 0) + (row["n"] or 0)
    total = FigureRow(org=None, label="合计")
    for row in by_unit.values():
        total.add(row)
    rows = [by_unit[c.path] for c in children]
    groups = list(VulnerableGroup.objects.filter(is_active=True))
    return SurveyFigures(area=area, start=start, end=end, rows=rows, own=own, total=total, groups=groups)


# --- contact points (FLD-1) ----------------------------------------------------------------------------


def contact_points_with_last_visit(actor):
    return (
        ContactPoint.objects.visible_to(actor)
        .select_related("org", "place", "keeper")
        .annotate(last_visit=Max("visits__started_on"), visit_count=Count("visits"))
    )


def unvisited_communities(actor, year: int):
    """Communities (villages) in the user's scope that no visit reached in ``year`` — whoever made it."""
    visited = Visit.objects.filter(year=year, place=OuterRef("pk"))
    return (
        Org.objects.visible_to(actor)
        .filter(kind=OrgKind.COMMUNITY, is_active=True)
        .exclude(Exists(visited))
        .order_by("path")
    )


def parents_of(orgs) -> dict[str, Org]:
    """The parent of each org (one query), by the child's path."""
    paths = {o.path[: -Org.steplen] for o in orgs if o.depth > 1}
    by_path = {o.path: o for o in Org.objects.filter(path__in=paths)}
    return {o.path: by_path.get(o.path[: -Org.steplen]) for o in orgs}


# --- a cadre's own figures (home panel) ---------------------------------------------------------------


def visits_joined(user, start: datetime.date, end: datetime.date) -> int:
    return VisitMember.objects.filter(
        user=user, visit__started_on__gte=start, visit__started_on__lte=end
    ).count()
