"""Coverage of the building work over a unit's subtree (BLD-1 … BLD-5), as grouped queries.

``tally(unit, year, as_of)`` counts for the unit as a whole; ``tally(unit, year, as_of, by_child=True)``
counts per child branch in the same number of queries (each row grouped by the path prefix of the
child), so a drill-down page and a figure cost a handful of queries whatever the size of the tree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Cast, Concat, Substr

from fuqing.building.models import (
    FLEXIBLE_GROUP_KINDS,
    Attendance,
    Election,
    HomeActivity,
    TeamMember,
    TeamRole,
    WomensGroup,
    WomensHome,
)
from fuqing.core.scoping import subtree_q
from fuqing.orgs.models import Org, OrgKind

FEDERATION_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.COMMUNITY)
TRAINED_KINDS = (OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.COMMUNITY)  # the three levels (notice (三)4)
IDLE_DAYS = 90  # "held no activity for three months"


def pct(part: int, whole: int) -> float | None:
    """A ratio (0–1) for the ``percent`` filter; None when there is nothing to cover."""
    return part / whole if whole else None


@dataclass
class Tally:
    communities: int = 0
    communities_with_home: int = 0
    homes: int = 0
    sector_homes: int = 0
    demo_sites: int = 0
    idle_homes: int = 0
    communities_with_group: int = 0
    groups: int = 0
    flexible_groups: int = 0
    units: int = 0
    teams_recorded: int = 0
    teams_complete: int = 0
    elections_overdue: int = 0
    units_to_train: int = 0
    trained_units: int = 0
    trained_cadres: int = 0
    training_hours: float = 0.0

    @property
    def home_coverage(self):
        return pct(self.communities_with_home, self.communities)

    @property
    def group_coverage(self):
        return pct(self.communities_with_group, self.communities)

    @property
    def team_completeness(self):
        return pct(self.teams_complete, self.units)

    @property
    def teams_flagged(self) -> int:
        """Units without a complete team on record (no record, or a gap)."""
        return self.units - self.teams_complete

    @property
    def training_coverage(self):
        return pct(self.trained_units, self.units_to_train)

    def add(self, other: Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def _grouped(qs, path_field: str, length: int | None, **aggregates) -> dict[str, dict]:
    """Rows grouped by the path prefix of ``length`` (None: by the row's own unit)."""
    branch = Substr(path_field, 1, length) if length else F(path_field)
    rows = qs.annotate(branch=branch).values("branch").annotate(**aggregates)
    return {r["branch"]: r for r in rows.order_by()}


def tally(unit: Org, year: int, as_of: datetime.date, by_child: bool = False) -> dict[str, Tally]:
    """{branch path: Tally}: the unit's own path alone, or each child's path (``by_child``)."""
    return _tally([unit.path], len(unit.path) + (Org.steplen if by_child else 0), year, as_of)


def tally_units(units, year: int, as_of: datetime.date) -> dict[str, Tally]:
    """{unit path: Tally} for any units, nested or of mixed depths (figures' ``for_units``): the same five
    queries. Units of one depth (a ranking's districts or streets) are grouped by their path prefix, so
    each unit's row comes straight from the database; many of them are filtered by their shared
    ancestor's range, not one range each (a province's streets). Units of mixed depths (a dashboard's
    unit and its children) are grouped by the rows' own unit, then each unit's row is the sum of its
    subtree's groups. Every count is additive across units (distinct counts are per unit: its villages,
    its cadres)."""
    found = {unit.path: Tally() for unit in units}
    lengths = {len(path) for path in found}
    if len(lengths) == 1:
        for path, t in _tally(_ranges(list(found)), lengths.pop(), year, as_of).items():
            if path in found:
                found[path].add(t)
        return found
    roots = [p for p in sorted(found) if not any(p != q and p.startswith(q) for q in found)]
    for path, t in _tally(roots, None, year, as_of).items():
        for cut in range(Org.steplen, len(path) + 1, Org.steplen):
            if path[:cut] in found:
                found[path[:cut]].add(t)
    return found


def _ranges(paths: list[str]) -> list[str]:
    """The subtrees to read for ``paths`` of one depth: their shared ancestor when there are many."""
    if len(paths) <= 8:
        return paths
    low, high = min(paths), max(paths)
    size = 0
    while size < min(len(low), len(high)) and low[size] == high[size]:
        size += 1
    shared = low[: size - size % Org.steplen]
    return [shared] if shared else paths


def _within(paths: list[str], field: str = "path") -> Q:
    q = Q()
    for path in paths:
        q |= subtree_q(path, field)
    return q


def _tally(paths: list[str], length: int | None, year: int, as_of: datetime.date) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {}

    def put(rows, **names):
        for branch, row in rows.items():
            t = tallies.setdefault(branch, Tally())
            for attr, key in names.items():
                value = row[key] or 0
                if attr == "training_hours":
                    value = float(value)
                setattr(t, attr, getattr(t, attr) + value)

    orgs = Org.objects.filter(_within(paths), is_active=True)
    put(
        _grouped(
            orgs,
            "path",
            length,
            communities=Count("id", filter=Q(kind=OrgKind.COMMUNITY)),
            units=Count("id", filter=Q(kind__in=FEDERATION_KINDS)),
            to_train=Count("id", filter=Q(kind__in=TRAINED_KINDS)),
        ),
        communities="communities",
        units="units",
        units_to_train="to_train",
    )

    since = as_of - datetime.timedelta(days=IDLE_DAYS)
    recent = HomeActivity.objects.filter(home=OuterRef("pk"), held_on__gt=since, held_on__lte=as_of)
    homes = (
        WomensHome.objects.filter(_within(paths, "org__path"), is_active=True)
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=as_of))
        .annotate(recent=Exists(recent))
    )
    put(
        _grouped(
            homes,
            "org__path",
            length,
            homes=Count("id"),
            with_home=Count(
                "org", distinct=True, filter=Q(setting__is_place=True, org__kind=OrgKind.COMMUNITY)
            ),
            sector=Count("id", filter=Q(setting__is_place=False)),
            demo=Count("id", filter=~Q(demo_level="none")),
            idle=Count("id", filter=Q(recent=False)),
        ),
        homes="homes",
        communities_with_home="with_home",
        sector_homes="sector",
        demo_sites="demo",
        idle_homes="idle",
    )

    groups = WomensGroup.objects.filter(_within(paths, "org__path"), is_active=True)
    put(
        _grouped(
            groups,
            "org__path",
            length,
            groups=Count("id"),
            flexible=Count("id", filter=Q(kind__in=FLEXIBLE_GROUP_KINDS)),
            with_group=Count("org", distinct=True, filter=Q(org__kind=OrgKind.COMMUNITY)),
        ),
        groups="groups",
        flexible_groups="flexible",
        communities_with_group="with_group",
    )

    put(_grouped(teams(paths), "org__path", length, **team_aggregates(as_of)), **TEAM_NAMES)

    attendance = Attendance.objects.filter(_within(paths, "org__path"), session__year=year).annotate(
        person=Concat(Cast("org_id", CharField()), Value(":"), F("name"), output_field=CharField())
    )
    put(
        _grouped(
            attendance,
            "org__path",
            length,
            trained=Count("org", distinct=True, filter=Q(org__kind__in=TRAINED_KINDS)),
            cadres=Count("person", distinct=True),
            hours=Sum("hours"),
        ),
        trained_units="trained",
        trained_cadres="cadres",
        training_hours="hours",
    )
    return tallies


def teams(paths: list[str]):
    """The current elections of the units' subtrees, with whether their team has a chair and a
    full-time vice-chair (annotated, for grouped counts)."""
    members = TeamMember.objects.filter(election=OuterRef("pk"))
    return (
        Election.objects.filter(_within(paths, "org__path"), is_current=True, org__is_active=True)
        .filter(org__kind__in=FEDERATION_KINDS)
        .annotate(
            has_chair=Exists(members.filter(role=TeamRole.CHAIR)),
            has_vice=Exists(members.filter(role=TeamRole.VICE_FULL)),
        )
    )


COMPLETE = Q(has_chair=True) & (Q(has_vice=True) | Q(org__kind=OrgKind.COMMUNITY))


def team_aggregates(as_of: datetime.date) -> dict:
    return {
        "recorded": Count("id"),
        "complete": Count("id", filter=COMPLETE),
        "overdue": Count("id", filter=Q(next_due__lt=as_of)),
    }


TEAM_NAMES = {"teams_recorded": "recorded", "teams_complete": "complete", "elections_overdue": "overdue"}


def total(unit: Org, year: int, as_of: datetime.date) -> Tally:
    return tally(unit, year, as_of).get(unit.path, Tally())


def by_children(unit: Org, children: list[Org], year: int, as_of: datetime.date) -> list[tuple[Org, Tally]]:
    found = tally(unit, year, as_of, by_child=True)
    return [(child, found.get(child.path, Tally())) for child in children]


def as_of_for(year: int, today: datetime.date) -> datetime.date:
    """Figures of a past year are shown at its end; of this year, today."""
    return min(today, datetime.date(year, 12, 31))
