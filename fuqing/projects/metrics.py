"""Progress figures rolled up the tree (PRJ-3): cumulative value, completion rate, expected value at a
date and status, per unit and indicator.

A unit's value is the sum (or distinct count) over every record in its subtree. Each source is one
``GROUP BY`` over the path prefix of the record's organisation — ``substr(org.path, 1, 4 × depth)`` —
so all units of one depth come out of one query whatever the number of rows, never a Python loop
over records.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from fuqing.core.scoping import subtree_q
from fuqing.orgs.models import Org
from fuqing.projects.models import (
    Beneficiary,
    Indicator,
    Measure,
    ProgressEntry,
    Source,
    Target,
    VolunteerPair,
)

STEP = Org.steplen
ZERO = Decimal(0)


class Status:
    COMPLETED = "completed"
    MISSED = "missed"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    AT_RISK = "at_risk"
    NO_TARGET = "no_target"


STATUS_LABELS = {
    Status.COMPLETED: _("已完成"),
    Status.MISSED: _("未完成"),
    Status.ON_TRACK: _("进度正常"),
    Status.BEHIND: _("进度滞后"),
    Status.AT_RISK: _("严重滞后"),
    Status.NO_TARGET: _("未定目标"),
}
LAGGING = (Status.BEHIND, Status.AT_RISK, Status.MISSED)
SEVERE = (Status.AT_RISK, Status.MISSED)  # counted and coloured as 严重滞后 / 未完成


def thresholds() -> tuple[float, float]:
    """(on track, at risk): value ÷ expected at or above the first is on track, below the second is at
    risk, between them behind. ``settings.PROJECT_STATUS_THRESHOLDS`` (from ``FUQING_PROJECT_ON_TRACK``
    and ``FUQING_PROJECT_AT_RISK``, defaults 0.9 and 0.7)."""
    on_track, at_risk = getattr(settings, "PROJECT_STATUS_THRESHOLDS", None) or (0.9, 0.7)
    if not 0 < at_risk <= on_track <= 1:
        raise ValueError("project status thresholds need 0 < at_risk <= on_track <= 1")
    return on_track, at_risk


# --- the date and the expected share of the target --------------------------------------------------


def view_date(campaign, today: datetime.date, requested: datetime.date | None = None) -> datetime.date:
    """The date figures are shown at: a requested date inside the year; today during the campaign's
    year; the year's last day for a past year (so the expectation is the whole target); the year's
    first day for a future one."""
    year = campaign.year
    if requested is not None and requested.year == year:
        return requested
    if today.year == year:
        return today
    if today.year > year:
        return datetime.date(year, 12, 31)
    return datetime.date(year, 1, 1)


def expected_share(indicator: Indicator, campaign, on: datetime.date) -> Decimal:
    """The share of the target expected by ``on``: the indicator's monthly profile (cumulative percent
    at each month's end, interpolated by day) or linear over the campaign period."""
    profile = indicator.profile
    if profile:
        if on.year < campaign.year:
            return ZERO
        if on.year > campaign.year:
            return Decimal(1)
        before = Decimal(str(profile[on.month - 2])) if on.month > 1 else ZERO
        at_end = Decimal(str(profile[on.month - 1]))
        days = calendar.monthrange(on.year, on.month)[1]
        return (before + (at_end - before) * Decimal(on.day) / Decimal(days)) / 100
    start, end = campaign.starts_on, campaign.ends_on
    if on < start:
        return ZERO
    if on >= end:
        return Decimal(1)
    return Decimal((on - start).days + 1) / Decimal((end - start).days + 1)


def month_ends(campaign, on: datetime.date) -> list[datetime.date]:
    """The last day of every month from the campaign's first month to the later of its last month and
    the view date's month (the chart's x axis)."""
    last = max(campaign.ends_on, on) if on.year == campaign.year else campaign.ends_on
    months = []
    year, month = campaign.starts_on.year, campaign.starts_on.month
    while (year, month) <= (last.year, last.month):
        months.append(datetime.date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# --- figures ------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One indicator at one unit on one date."""

    indicator: Indicator
    org: Org
    target: Decimal | None
    value: Decimal
    expected: Decimal | None
    draft: bool = False  # the target comes from a split still in draft
    closed: bool = False  # the date lies after the campaign period: no pace left, only done or missed

    @property
    def rate(self) -> float | None:
        """Completion rate: value ÷ target."""
        if not self.target:
            return None
        return float(self.value / self.target)

    @property
    def pace(self) -> float | None:
        """Value ÷ value expected at the date (1.0 = exactly on the expected line)."""
        if self.target is None or self.expected is None:
            return None
        if self.expected <= 0:
            return 1.0
        return float(self.value / self.expected)

    @property
    def status(self) -> str:
        if self.target is None:
            return Status.NO_TARGET
        if self.value >= self.target:
            return Status.COMPLETED
        if self.closed:
            # PRJ-3: once the period is over, being close to the expected line is no longer "on track"
            return Status.MISSED
        on_track, at_risk = thresholds()
        pace = self.pace
        if pace >= on_track:
            return Status.ON_TRACK
        if pace >= at_risk:
            return Status.BEHIND
        return Status.AT_RISK

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def is_lagging(self) -> bool:
        return self.status in LAGGING

    @property
    def gap(self) -> Decimal | None:
        """How far below the expected value (positive: behind)."""
        if self.expected is None:
            return None
        return max(self.expected - self.value, ZERO)

    def as_dict(self) -> dict:
        return {
            "indicator": self.indicator.pk,
            "org": self.org.pk,
            "org_name": self.org.name,
            "target": cents(self.target),
            "target_is_draft": self.draft,
            "value": cents(self.value),
            "expected": cents(self.expected),
            "completion_rate": None if self.rate is None else round(self.rate, 4),
            "status": self.status,
            "status_label": self.status_label,
        }


def cents(value: Decimal | None) -> Decimal | None:
    """The same figure whatever the engine summed it as (SQLite's SUM may come back as an integer)."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def _shared_ancestor(paths: list[str]) -> str:
    """The path of the deepest unit above all ``paths`` (the common prefix of the smallest and the
    largest path, cut to whole steps)."""
    low, high = min(paths), max(paths)
    size = 0
    while size < min(len(low), len(high)) and low[size] == high[size]:
        size += 1
    return low[: size - size % STEP]


def _level_filter(paths: list[str], field: str) -> Q:
    """Rows under any of ``paths``; many paths of one parent collapse to the parent's range."""
    if len(paths) > 8:
        common = _shared_ancestor(paths)
        if common:
            return subtree_q(common, field)
    q = Q()
    for path in paths:
        q |= subtree_q(path, field)
    return q


def _by_prefix(queryset, units_at_depth: list[Org], depth: int, keys: list[str], aggregates: dict) -> list:
    """One GROUP BY over the organisation's path prefix at ``depth``: a row per key and unit."""
    paths = [u.path for u in units_at_depth]
    return list(
        queryset.filter(_level_filter(paths, "org__path"))
        .annotate(prefix=Substr("org__path", 1, STEP * depth))
        .values(*keys, "prefix")
        .annotate(**aggregates)
        .order_by()
    )


class Values:
    """Raw subtree values of indicators for a set of units on a date, by source, in bounded queries."""

    def __init__(self, indicators: list[Indicator], units: list[Org], on: datetime.date):
        self.indicators = indicators
        self.units = units
        self.on = on
        self.by_depth: dict[int, list[Org]] = defaultdict(list)
        for unit in units:
            self.by_depth[unit.depth].append(unit)
        self.values: dict[tuple[int, str], Decimal] = {}  # (indicator id, unit path) -> value
        self._reported()
        self._beneficiaries()
        self._pairs()

    def get(self, indicator: Indicator, unit: Org) -> Decimal:
        return self.values.get((indicator.pk, unit.path), ZERO)

    def _wanted(self, depth: int) -> set[str]:
        return {u.path for u in self.by_depth[depth]}

    def _reported(self) -> None:
        ids = [i.pk for i in self.indicators if i.source == Source.REPORTED]
        if not ids:
            return
        base = ProgressEntry.objects.filter(
            indicator_id__in=ids, superseded_at__isnull=True, month__lte=self.on
        )
        for depth, units in self.by_depth.items():
            wanted = self._wanted(depth)
            for row in _by_prefix(base, units, depth, ["indicator_id"], {"total": Sum("value")}):
                if row["prefix"] in wanted:
                    self.values[(row["indicator_id"], row["prefix"])] = row["total"] or ZERO

    def _beneficiaries(self) -> None:
        """Records and amounts by help kind; distinct women only where an indicator counts them (the
        distinct count is the expensive part: it sorts its rows)."""
        wanted_indicators = [i for i in self.indicators if i.source == Source.BENEFICIARIES]
        if not wanted_indicators:
            return
        projects = {i.project_id for i in wanted_indicators}
        base = Beneficiary.objects.filter(project_id__in=projects, received_on__lte=self.on)
        women = [i for i in wanted_indicators if i.measure == Measure.WOMEN]
        kinds = sorted({i.help_kind for i in women if i.help_kind})
        all_kinds_projects = {i.project_id for i in women if not i.help_kind}
        aggregates = {"records": Count("id"), "amount": Sum("amount")}
        if kinds:
            aggregates["women"] = Count("woman_id", distinct=True, filter=Q(help_kind__in=kinds))
        for depth, units in self.by_depth.items():
            wanted = self._wanted(depth)
            by_kind: dict[tuple, list] = defaultdict(list)
            for row in _by_prefix(base, units, depth, ["project_id", "help_kind"], aggregates):
                if row["prefix"] in wanted:
                    by_kind[(row["project_id"], row["prefix"])].append(row)
            all_kinds_women: dict[tuple, int] = {}
            if all_kinds_projects:
                rows = _by_prefix(
                    base.filter(project_id__in=all_kinds_projects),
                    units,
                    depth,
                    ["project_id"],
                    {"women": Count("woman_id", distinct=True)},
                )
                for row in rows:
                    all_kinds_women[(row["project_id"], row["prefix"])] = row["women"]
            for indicator in wanted_indicators:
                for path in wanted:
                    self.values[(indicator.pk, path)] = _beneficiary_value(
                        indicator, path, by_kind, all_kinds_women
                    )

    def _pairs(self) -> None:
        wanted_indicators = [i for i in self.indicators if i.source == Source.VOLUNTEER_PAIRS]
        if not wanted_indicators:
            return
        projects = {i.project_id for i in wanted_indicators}
        base = VolunteerPair.objects.filter(project_id__in=projects, started_on__lte=self.on)
        aggregates = {
            "pairs": Count("id"),
            "volunteers": Count("volunteer_id", distinct=True),
            "households": Count("household_id", distinct=True),
        }
        for depth, units in self.by_depth.items():
            wanted = self._wanted(depth)
            found = {
                (row["project_id"], row["prefix"]): row
                for row in _by_prefix(base, units, depth, ["project_id"], aggregates)
                if row["prefix"] in wanted
            }
            for indicator in wanted_indicators:
                for path in wanted:
                    row = found.get((indicator.project_id, path))
                    self.values[(indicator.pk, path)] = Decimal(row[indicator.measure]) if row else ZERO


def _beneficiary_value(indicator: Indicator, path: str, by_kind: dict, all_kinds_women: dict) -> Decimal:
    rows = [
        row
        for row in by_kind.get((indicator.project_id, path), ())
        if not indicator.help_kind or row["help_kind"] == indicator.help_kind
    ]
    if indicator.measure == Measure.RECORDS:
        return Decimal(sum(r["records"] for r in rows))
    if indicator.measure == Measure.AMOUNT:
        return sum((r["amount"] or ZERO for r in rows), ZERO)
    if indicator.help_kind:
        return Decimal(sum(r.get("women") or 0 for r in rows))
    return Decimal(all_kinds_women.get((indicator.project_id, path), 0))


def targets_for(indicators: Iterable[Indicator], units: Iterable[Org]) -> dict[tuple[int, int], tuple]:
    """(indicator id, unit id) -> (target, draft): the indicator's own target at its project's unit,
    a split part elsewhere (one query)."""
    indicators = list(indicators)
    units = list(units)
    found: dict[tuple[int, int], tuple] = {}
    for indicator in indicators:
        if indicator.target is not None:
            found[(indicator.pk, indicator.project.org_id)] = (indicator.target, False)
    rows = Target.objects.filter(
        indicator_id__in=[i.pk for i in indicators], org_id__in=[u.pk for u in units]
    ).values_list("indicator_id", "org_id", "value", "draft")
    for indicator_id, org_id, value, draft in rows:
        found.setdefault((indicator_id, org_id), (value, draft))
    return found


def figures(
    indicators: list[Indicator], units: list[Org], on: datetime.date
) -> dict[tuple[int, int], Figure]:
    """Every indicator at every unit on ``on``: (indicator id, unit id) -> Figure."""
    indicators = list(indicators)
    units = list(units)
    if not indicators or not units:
        return {}
    values = Values(indicators, units, on)
    targets = targets_for(indicators, units)
    result = {}
    for indicator in indicators:
        campaign = indicator.project.campaign
        share = expected_share(indicator, campaign, on)
        closed = period_over(campaign, on)
        for unit in units:
            target, draft = targets.get((indicator.pk, unit.pk), (None, False))
            result[(indicator.pk, unit.pk)] = Figure(
                indicator=indicator,
                org=unit,
                target=target,
                value=values.get(indicator, unit),
                expected=None if target is None else (target * share).quantize(Decimal("0.01")),
                draft=draft,
                closed=closed,
            )
    return result


def period_over(campaign, on: datetime.date) -> bool:
    """The campaign period has ended by ``on`` (the day after its last day or later)."""
    return on > campaign.ends_on


def monthly_series(indicator: Indicator, unit: Org, on: datetime.date) -> list[dict]:
    """Cumulative value at the end of each month against the expected value (one query: one conditional
    aggregate per month), for the chart and its table."""
    campaign = indicator.project.campaign
    ends = month_ends(campaign, on)
    if indicator.source == Source.REPORTED:
        base = ProgressEntry.objects.filter(indicator=indicator, superseded_at__isnull=True)
        aggregates = {f"m{i}": Sum("value", filter=Q(month__lte=end)) for i, end in enumerate(ends)}
    elif indicator.source == Source.BENEFICIARIES:
        base = Beneficiary.objects.filter(project_id=indicator.project_id)
        if indicator.help_kind:
            base = base.filter(help_kind=indicator.help_kind)
        expression = {
            Measure.RECORDS: lambda f: Count("id", filter=f),
            Measure.WOMEN: lambda f: Count("woman_id", distinct=True, filter=f),
            Measure.AMOUNT: lambda f: Sum("amount", filter=f),
        }[indicator.measure]
        aggregates = {f"m{i}": expression(Q(received_on__lte=end)) for i, end in enumerate(ends)}
    else:
        base = VolunteerPair.objects.filter(project_id=indicator.project_id)
        expression = {
            Measure.PAIRS: lambda f: Count("id", filter=f),
            Measure.VOLUNTEERS: lambda f: Count("volunteer_id", distinct=True, filter=f),
            Measure.HOUSEHOLDS: lambda f: Count("household_id", distinct=True, filter=f),
        }[indicator.measure]
        aggregates = {f"m{i}": expression(Q(started_on__lte=end)) for i, end in enumerate(ends)}
    row = base.filter(subtree_q(unit.path, "org__path")).aggregate(**aggregates) if ends else {}
    target = targets_for([indicator], [unit]).get((indicator.pk, unit.pk), (None, False))[0]
    series = []
    for i, end in enumerate(ends):
        share = expected_share(indicator, campaign, end)
        series.append(
            {
                "month": end,
                "label": f"{end.month}月",
                "value": Decimal(row.get(f"m{i}") or 0),
                "expected": None if target is None else (target * share).quantize(Decimal("0.01")),
                "future": end > on and (end.year, end.month) != (on.year, on.month),
            }
        )
    return series
