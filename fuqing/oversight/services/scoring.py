"""Scores, totals and ranking (SUP-1): computed items from the registered figures, inspected items from
the inspectors' scores, each unit ranked among its level — districts among the city's districts, streets
within their district. Live until the city publishes; then frozen on the result sheets.

The queries are bounded whatever the number of units: one grouped figure per computed item and depth,
one query for the inspectors' scores, one for the units.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fuqing.core import audit
from fuqing.core.models import AuditAction
from fuqing.core.scoping import subtree_q, user_scope
from fuqing.orgs.models import Org, OrgKind
from fuqing.oversight import sources
from fuqing.oversight.models import InspectorScore, Item, ResultSheet, Rule, Scheme
from fuqing.oversight.services.common import check_perm, invalid

LEVELS = {
    "district": (OrgKind.DISTRICT, gettext_lazy("区县(市)")),
    "street": (OrgKind.TOWNSHIP, gettext_lazy("街道(乡镇)")),
}
TWO = Decimal("0.01")


@dataclass
class ItemScore:
    item_id: int
    name: str
    kind: str
    weight: Decimal
    points: Decimal | None  # None: no data (an unregistered figure, or nothing to measure)
    value: str | None = None
    breakdown: list = field(default_factory=list)
    note: str = ""
    comment: str = ""
    scored_by: str = ""
    evidence: str = ""
    score_id: int | None = None

    @property
    def no_data(self) -> bool:
        return self.points is None

    def to_data(self) -> dict:
        return {
            "item": self.item_id,
            "name": self.name,
            "kind": self.kind,
            "weight": str(self.weight),
            "points": None if self.points is None else str(self.points),
            "value": self.value,
            "breakdown": self.breakdown,
            "note": self.note,
            "comment": self.comment,
            "scored_by": self.scored_by,
            "evidence": self.evidence,
        }

    @classmethod
    def from_data(cls, data: dict) -> ItemScore:
        return cls(
            item_id=data["item"],
            name=data["name"],
            kind=data["kind"],
            weight=Decimal(data["weight"]),
            points=None if data.get("points") is None else Decimal(data["points"]),
            value=data.get("value"),
            breakdown=data.get("breakdown") or [],
            note=data.get("note", ""),
            comment=data.get("comment", ""),
            scored_by=data.get("scored_by", ""),
            evidence=data.get("evidence", ""),
        )


@dataclass
class Sheet:
    unit: Org
    items: list[ItemScore]
    as_of: datetime.datetime
    frozen: bool = False
    rank: int = 0
    of: int = 0

    @property
    def total(self) -> Decimal:
        return sum((i.points for i in self.items if i.points is not None), Decimal(0)).quantize(TWO)

    @property
    def no_data(self) -> int:
        return sum(1 for i in self.items if i.no_data)


def points_for(item: Item, value: Decimal | None) -> Decimal | None:
    """The scheme's rule: proportion — weight × min(value ÷ target, 1); threshold — all or nothing."""
    if value is None or not item.target:
        return None
    if item.rule == Rule.THRESHOLD:
        points = item.weight if value >= item.target else Decimal(0)
    else:
        points = item.weight * min(value / item.target, Decimal(1))
    return points.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _value_text(item: Item, value: Decimal | None, unit: str = "") -> str | None:
    """A rate (target ≤ 1) as a percentage; anything else as the figure states it, with its unit."""
    if value is None:
        return None
    if item.target is not None and item.target <= 1 and not unit:
        return f"{(value * 100).quantize(Decimal('0.1'))}%"
    text = f"{value.normalize():f}" if value == value.to_integral_value() else str(value)
    return f"{text}{unit}"


def _breakdown(figure) -> list:
    return [[str(row[0]), _plain(row[-1])] for row in figure.breakdown]


def _plain(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def live_sheets(
    scheme: Scheme, units: list[Org], as_of: datetime.datetime | None = None, items: list | None = None
) -> list[Sheet]:
    """Every unit's sheet computed now from the registered figures and the inspectors' scores (not
    ranked): one ``compute_for_units`` per computed item, one query for the scores."""
    as_of = as_of or timezone.now()
    items = list(scheme.items.all()) if items is None else items
    values: dict[int, dict | None] = {}
    scope = sources.scope_of(units, scheme.year, scheme.org) if units else None
    for item in items:
        if item.is_computed:
            values[item.pk] = sources.values_for_units(
                item.figure_key, units, scheme.year, scheme.org, scope=scope
            )
    unregistered, no_data, not_scored = _("暂无数据：该统计数据尚未登记"), _("暂无数据"), _("督查员尚未评分")
    scored = {
        (s.item_id, s.unit_id): s
        for s in InspectorScore.objects.filter(item__scheme=scheme, unit__in=units).select_related(
            "scored_by"
        )
    }
    sheets = []
    for unit in units:
        rows = []
        for item in items:
            base = {"item_id": item.pk, "name": item.name, "kind": item.kind, "weight": item.weight}
            if item.is_computed:
                found = values[item.pk]
                if found is None:
                    rows.append(ItemScore(**base, points=None, note=unregistered))
                    continue
                value = found.get(unit.pk)
                number = None if value is None else value.value
                if number is None:
                    rows.append(
                        ItemScore(
                            **base,
                            points=None,
                            breakdown=_breakdown(value) if value else [],
                            note=(value.note if value else "") or no_data,
                        )
                    )
                    continue
                number = Decimal(number)
                rows.append(
                    ItemScore(
                        **base,
                        points=points_for(item, number),
                        value=_value_text(item, number, str(value.unit or "")),
                        breakdown=_breakdown(value),
                        note=value.note,
                    )
                )
            else:
                score = scored.get((item.pk, unit.pk))
                if score is None:
                    rows.append(ItemScore(**base, points=None, note=not_scored))
                else:
                    rows.append(
                        ItemScore(
                            **base,
                            points=score.points,
                            comment=score.comment,
                            scored_by=str(score.scored_by or ""),
                            evidence=score.file_name or score.evidence_note,
                            score_id=score.pk,
                        )
                    )
        sheets.append(Sheet(unit, rows, as_of))
    return sheets


def rank(sheets: list[Sheet]) -> list[Sheet]:
    """Highest total first; equal totals share a rank (1, 1, 3)."""
    ordered = sorted(sheets, key=lambda s: (-s.total, s.unit.path))
    previous, place = None, 0
    for index, sheet in enumerate(ordered, start=1):
        if sheet.total != previous:
            place, previous = index, sheet.total
        sheet.rank, sheet.of = place, len(ordered)
    return ordered


def level_units(scheme: Scheme, level: str, parent: Org | None = None) -> list[Org]:
    """The units of a level: the scheme's districts, or the streets of ``parent`` (a district)."""
    kind = LEVELS[level][0]
    root = parent if level == "street" and parent is not None else scheme.org
    return list(
        Org.objects.filter(subtree_q(root.path), kind=kind, is_active=True)
        .exclude(pk=root.pk)
        .order_by("path")
    )


def ranking(scheme: Scheme, level: str, parent: Org | None = None) -> list[Sheet]:
    """A level's ranked sheets: the frozen ones once published, else live."""
    if scheme.is_published:
        rows = ResultSheet.objects.filter(scheme=scheme, level=level).select_related("unit")
        if level == "street" and parent is not None:
            rows = rows.filter(parent=parent)
        return [frozen_sheet(r) for r in rows.order_by("rank", "unit__path")]
    return rank(live_sheets(scheme, level_units(scheme, level, parent)))


def frozen_sheet(row: ResultSheet) -> Sheet:
    sheet = Sheet(row.unit, [ItemScore.from_data(d) for d in row.items], row.as_of, frozen=True)
    sheet.rank, sheet.of = row.rank, row.of
    return sheet


def visible_sheets(user, sheets: list[Sheet]) -> list[Sheet]:
    """A unit sees its own sheet and those its scope covers, nothing of the others (SUP-1)."""
    scope = user_scope(user)
    return [s for s in sheets if scope.covers(s.unit.path)]


def own_sheet(user, sheets: list[Sheet]) -> Sheet | None:
    """The sheet of the unit the user belongs to (or lies under), with its rank among all."""
    if user.org_id is None:
        return None
    path = user.org.path
    return next((s for s in sheets if path.startswith(s.unit.path)), None)


@transaction.atomic
def publish(actor, given: Scheme) -> int:
    """The city publishes the year's assessment: every district among the districts and every street
    within its district, ranked and frozen with the figures it came from (SUP-1). Audited."""
    check_perm(actor, "approve")
    # schemes are the city's (create_scheme): whoever may approve and change the city's data publishes
    if actor is not None and not user_scope(actor).covers(given.org.path, True):
        raise PermissionDenied(_("考核结果由市妇联公布。"))
    scheme = Scheme.objects.select_for_update().select_related("org").get(pk=given.pk)
    if scheme.is_published:
        raise invalid({"__all__": _("%(year)d年考核结果已经公布。") % {"year": scheme.year}}, "SUP-1")
    total = sum((i.weight for i in scheme.items.all()), Decimal(0))
    if total != 100:
        raise invalid(
            {"__all__": _("各指标分值合计须为100分，现为%(total)s分。") % {"total": total}}, "SUP-1"
        )
    now = timezone.now()
    districts = level_units(scheme, "district")
    streets = level_units(scheme, "street")
    rows = []
    for sheet in rank(live_sheets(scheme, districts, now)):
        rows.append(_row(scheme, sheet, "district", scheme.org))
    by_parent: dict[str, list[Sheet]] = {}
    parents = {d.path: d for d in districts}
    for sheet in live_sheets(scheme, streets, now):
        by_parent.setdefault(sheet.unit.path[: len(sheet.unit.path) - Org.steplen], []).append(sheet)
    for parent_path, sheets in by_parent.items():
        parent = parents.get(parent_path)
        if parent is None:
            continue
        for sheet in rank(sheets):
            rows.append(_row(scheme, sheet, "street", parent))
    ResultSheet.objects.bulk_create(rows, batch_size=1000)
    scheme.published_at, scheme.published_by = now, actor
    scheme.save(update_fields=["published_at", "published_by"])
    given.published_at, given.published_by = now, actor
    audit.record(
        AuditAction.UPDATE, actor=actor, obj=scheme, details={"published": True, "sheets": len(rows)}
    )
    return len(rows)


def _row(scheme, sheet: Sheet, level: str, parent: Org) -> ResultSheet:
    return ResultSheet(
        scheme=scheme,
        unit=sheet.unit,
        level=level,
        parent=parent,
        total=sheet.total,
        rank=sheet.rank,
        of=sheet.of,
        items=[i.to_data() for i in sheet.items],
        as_of=sheet.as_of,
    )


def unit_rank(unit: Org, year: int) -> dict | None:
    """Public: a unit's published assessment result of ``year`` (for dashboards): total, rank, of, level.
    None when the year's assessment is not published or the unit was not assessed."""
    row = (
        ResultSheet.objects.filter(unit=unit, scheme__year=year, scheme__published_at__isnull=False)
        .values("total", "rank", "of", "level")
        .first()
    )
    return row
