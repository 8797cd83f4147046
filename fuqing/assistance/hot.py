"""Hot and difficult issues of a unit (NEED-5): needs by category, area, vulnerable group and month,
long-standing and recurring ones, and the themes of the descriptions — this year beside last year.

Every figure is one GROUP BY over the unit's subtree (both years at once); themes count the stored
``NeedKeyword`` rows, so no description is read on the page. About a dozen queries whatever the size.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from fuqing.assistance.models import Need, NeedCategory, NeedKeyword, NeedStatus
from fuqing.assistance.text import stop_words
from fuqing.core.scoping import subtree_q, user_scope
from fuqing.core.templatetags.fuqing import monthname, yearname


def long_standing_days() -> int:
    return int(getattr(settings, "ASSISTANCE_LONG_STANDING_DAYS", 90))


def recurring_min() -> int:
    """A theme or category is recurring when it appears in at least this many units."""
    return int(getattr(settings, "ASSISTANCE_RECURRING_MIN_UNITS", 3))


@dataclass
class Row:
    key: object
    label: str
    this: int = 0
    last: int = 0
    units: int = 0
    open: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def recurring(self) -> bool:
        return self.units >= recurring_min()

    @property
    def change(self) -> int:
        return self.this - self.last


@dataclass
class HotIssues:
    org: object
    year: int
    threshold_days: int
    total: Row
    categories: list[Row]
    areas: list[Row]
    groups: list[Row]
    months: list[Row]
    themes: list[Row]
    long_standing: list[Row]
    oldest: list

    @property
    def long_standing_count(self) -> int:
        """All needs open past the threshold: the sum of the table's rows (no query of its own), so
        the card and the 长期未办结 table agree; ``oldest`` lists only the first 20 of them."""
        return sum(r.this for r in self.long_standing)


def _fold(rows, key_field: str, labels: dict, year: int, keep_all: bool = True) -> list[Row]:
    """Rows of (year, key, n, units, open) into one Row per key with this year and last year."""
    folded: dict = {}
    if keep_all:
        for key, label in labels.items():
            folded[key] = Row(key, label)
    for r in rows:
        key = r[key_field]
        if key not in folded:
            if not keep_all and key not in labels:
                continue
            folded[key] = Row(key, labels.get(key, "—"))
        row = folded[key]
        if r["year"] == year:
            row.this = r["n"]
            row.units = r.get("units", 0)
            row.open = r.get("open", 0)
        else:
            row.last = r["n"]
    return list(folded.values())


def subtree_rows(model, user, org):
    """Rows of ``org``'s subtree the user may see. Scopes are subtrees, so when the unit itself lies in
    the user's scope its whole subtree does: one path range then, not the scope's ranges AND the unit's
    (the doubled predicate misleads PostgreSQL's planner into scanning the whole table)."""
    if user_scope(user).covers(org.path):
        return model.objects.in_subtree(org)
    return model.objects.visible_to(user).in_subtree(org)


# COUNT(*) and columns of the covering indexes only, so PostgreSQL answers from the index alone.
def _counts(qs, *fields):
    return qs.values("year", *fields).annotate(
        n=Count("*"),
        units=Count("org_id", distinct=True),
        open=Count("org_id", filter=Q(status=NeedStatus.OPEN)),
    )


def hot_issues(user, org, year: int, today: datetime.date, threshold_days: int | None = None) -> HotIssues:
    from fuqing.orgs.models import Org
    from fuqing.registry.models import VulnerableGroup

    threshold_days = threshold_days or long_standing_days()
    needs = subtree_rows(Need, user, org).filter(year__in=(year - 1, year))

    totals = {r["year"]: r for r in _counts(needs)}
    total = Row(
        "total", str(org), this=totals.get(year, {}).get("n", 0), last=totals.get(year - 1, {}).get("n", 0)
    )
    total.units = totals.get(year, {}).get("units", 0)
    total.open = totals.get(year, {}).get("open", 0)

    categories = {c.pk: c.name for c in NeedCategory.objects.all()}
    by_category = _fold(_counts(needs, "category_id"), "category_id", categories, year)
    by_category = [r for r in by_category if r.this or r.last or r.key in categories]

    children = list(
        Org.objects.visible_to(user).filter(subtree_q(org.path), depth=org.depth + 1).order_by("path")
    )
    length = len(org.path) + org.steplen
    area_rows = _counts(needs.annotate(branch=Substr("org__path", 1, length)), "branch")
    labels = {c.path: c.name for c in children}
    labels[org.path] = _("%(name)s（本级）") % {"name": org.name}
    areas = [r for r in _fold(area_rows, "branch", labels, year) if r.this or r.last or r.key != org.path]
    for row in areas:
        row.extra["org"] = next((c for c in children if c.path == row.key), org)

    groups = {g.pk: g.name for g in VulnerableGroup.objects.filter(is_active=True)}
    # A woman in two groups counts in both; needs of no group (or of a group) are left out.
    group_rows = [
        r for r in _counts(needs.filter(woman__isnull=False), "woman__groups") if r["woman__groups"]
    ]
    by_group = _fold(group_rows, "woman__groups", groups, year)

    months = {m: month_label(m) for m in range(1, 13)}
    by_month = _fold(_counts(needs, "month"), "month", months, year, keep_all=True)
    by_month.sort(key=lambda r: r.key)

    themes = theme_rows(user, org, year)

    cutoff = today - datetime.timedelta(days=threshold_days)
    stale = subtree_rows(Need, user, org).filter(status=NeedStatus.OPEN, reported_on__lt=cutoff)
    long_rows = stale.values("category_id").annotate(n=Count("*"), units=Count("org_id", distinct=True))
    long_standing = [
        Row(r["category_id"], categories.get(r["category_id"], "—"), this=r["n"], units=r["units"])
        for r in long_rows.order_by("-n")
    ]
    oldest = list(stale.select_related("category", "org", "woman").order_by("reported_on")[:20])
    return HotIssues(
        org=org,
        year=year,
        threshold_days=threshold_days,
        total=total,
        categories=sorted(by_category, key=lambda r: (-r.this, -r.last)),
        areas=sorted(areas, key=lambda r: -r.this),
        groups=sorted(by_group, key=lambda r: -r.this),
        months=by_month,
        themes=themes,
        long_standing=long_standing,
        oldest=oldest,
    )


def cache_seconds() -> int:
    return int(getattr(settings, "ASSISTANCE_HOT_CACHE_SECONDS", 300))


def cached_hot_issues(
    user, org, year: int, today: datetime.date, threshold_days: int | None = None, refresh: bool = False
):
    """``hot_issues`` kept in the shared cache (``core.computed``: one request computes, the others wait
    for it or are served the last figures) for a few minutes per unit, year and threshold; returns the
    ``Computed`` entry (``.value``, ``.at`` — the "as of" the page shows). Whoever may see a unit sees its
    whole subtree (scopes are subtrees), so the figures do not depend on the viewer."""
    from fuqing.core.computed import shared

    threshold_days = threshold_days or long_standing_days()
    # Labels (本级, months) are in the active language: one entry per language.
    language = get_language() or ""
    key = f"fuqing:hot:{org.pk}:{org.path}:{year}:{threshold_days}:{today.isoformat()}:{language}"
    return shared(
        key,
        lambda: hot_issues(user, org, year, today, threshold_days=threshold_days),
        cache_seconds(),
        refresh=refresh,
    )


def theme_rows(user, org, year: int, limit: int = 30) -> list[Row]:
    """The most frequent keywords this year (needs and units they appear in), with last year's count."""
    # Words stored before the stop-word list grew (``assistance_keywords`` refreshes them) stay out.
    keywords = subtree_rows(NeedKeyword, user, org).exclude(keyword__in=sorted(stop_words()))
    top = list(
        keywords.filter(year=year)
        .values("keyword")
        .annotate(n=Count("*"), units=Count("org_id", distinct=True))
        .order_by("-n", "keyword")[:limit]
    )
    last = dict(
        keywords.filter(year=year - 1, keyword__in=[t["keyword"] for t in top])
        .values("keyword")
        .annotate(n=Count("*"))
        .values_list("keyword", "n")
    )
    return [
        Row(t["keyword"], t["keyword"], this=t["n"], last=last.get(t["keyword"], 0), units=t["units"])
        for t in top
    ]


AREA_CHART_TOP = 15


def month_label(month: int) -> str:
    """A month in the active language (the cached figures keep only the number)."""
    return monthname(month)


def _area_block(rows: list[Row]) -> dict:
    """The 按地区 chart: the 15 units with most needs and, past them, one 其他 bar adding up the rest,
    so 26 streets do not pile their names on one axis (the table below keeps every unit)."""
    rows = [r for r in rows if r.this or r.last]  # units without needs stay in the table only
    shown, rest = rows[:AREA_CHART_TOP], rows[AREA_CHART_TOP:]
    labels = [r.label for r in shown]
    this, last = [r.this for r in shown], [r.last for r in shown]
    if rest:
        labels.append(_("其他（%(n)d 个单位）") % {"n": len(rest)})
        this.append(sum(r.this for r in rest))
        last.append(sum(r.last for r in rest))
    return {"labels": labels, "this": this, "last": last, "height": chart_height(len(labels))}


def chart_height(bars: int) -> int:
    """Pixels for a chart of ``bars`` categories: horizontal bars (more than 6) get 24 px each."""
    return max(320, 24 * bars + 80) if bars > 6 else 320


def chart_data(hot: HotIssues) -> dict:
    """What the ECharts script draws (rendered with json_script; no inline script, CSP). Labels and
    legends are in the active language, built per request (the figures themselves are cached)."""
    year = hot.year
    themes = hot.themes[:15]
    return {
        "year": year,
        "last": year - 1,
        "legend": {"this": yearname(year), "last": yearname(year - 1)},
        "categories": {
            "labels": [r.label for r in hot.categories],
            "this": [r.this for r in hot.categories],
            "last": [r.last for r in hot.categories],
            "height": chart_height(len(hot.categories)),
        },
        "areas": _area_block(hot.areas),
        "months": {
            "labels": [month_label(r.key) for r in hot.months],
            "this": [r.this for r in hot.months],
            "last": [r.last for r in hot.months],
            "height": 320,
        },
        "themes": {
            "labels": [r.label for r in themes],
            "this": [r.this for r in themes],
            "last": [r.last for r in themes],
            "height": max(420, chart_height(len(themes))),
        },
    }
