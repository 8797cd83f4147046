"""The figures of an activity summary (SUP-3): a registry of figure providers, one function per figure,
each one aggregate query over the unit's subtree and the period. Apps add (or replace, under the same
key) providers for their registers::

    @figure("visits", "走访调研", order=10)
    def visits(scope: SummaryScope) -> Figure: ...

A provider whose register is not in use returns ``Figure.missing(...)``: the document then says plainly
that the figure has no data, and why.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count

SURVEY_MONTH = "survey_month"
ANNUAL = "annual"
KINDS = (SURVEY_MONTH, ANNUAL)


@dataclass(frozen=True)
class SummaryScope:
    """What one summary covers: a unit's subtree, a campaign, and the period of the summary's kind."""

    org: object
    campaign: object
    kind: str
    start: datetime.date
    end: datetime.date

    @classmethod
    def of(cls, org, campaign, kind: str) -> SummaryScope:
        if kind == SURVEY_MONTH:
            start, end = campaign.survey_month_range
        elif kind == ANNUAL:
            start, end = datetime.date(campaign.year, 1, 1), datetime.date(campaign.year, 12, 31)
        else:
            raise ValueError(kind)
        return cls(org, campaign, kind, start, end)

    @property
    def year(self) -> int:
        return self.campaign.year

    @property
    def period_label(self) -> str:
        if self.kind == SURVEY_MONTH:
            return f"{self.start.year}年{self.start.month}月妇女需求调研月"
        return f"{self.year}年"


@dataclass
class Figure:
    key: str
    label: str
    value: int | None
    unit: str = ""
    note: str = ""
    breakdown: list[tuple[str, int]] = field(default_factory=list)
    breakdown_title: str = ""
    breakdown_unit: str = ""  # the breakdown's unit when not the figure's (a rate in %)

    @property
    def has_data(self) -> bool:
        return self.value is not None and self.value > 0

    @classmethod
    def missing(cls, key: str, label: str, reason: str) -> Figure:
        return cls(key, label, None, note=reason)


@dataclass(frozen=True)
class Provider:
    key: str
    label: str
    func: Callable[[SummaryScope], Figure]
    order: int
    kinds: tuple[str, ...]


_PROVIDERS: dict[str, Provider] = {}


def figure(key: str, label: str, order: int = 100, kinds: tuple[str, ...] = KINDS):
    """Register a figure provider; a later registration under the same key replaces the earlier one."""

    def decorate(func):
        _PROVIDERS[key] = Provider(key, label, func, order, kinds)
        return func

    return decorate


def providers(kind: str) -> list[Provider]:
    return sorted((p for p in _PROVIDERS.values() if kind in p.kinds), key=lambda p: (p.order, p.key))


def compute(scope: SummaryScope, progress: Callable[[int, int], None] | None = None) -> list[Figure]:
    chosen = providers(scope.kind)
    figures = []
    for index, provider in enumerate(chosen, start=1):
        figures.append(provider.func(scope))
        if progress is not None:
            progress(index, len(chosen) + 1)
    return figures


# --- providers over the registers that exist --------------------------------------------------


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _labelled(rows, choices) -> list[tuple[str, int]]:
    labels = dict(choices)
    return [(str(labels.get(key, key or "未填")), n) for key, n in rows if n]


@figure("visits", "走访调研", order=10)
def visits(scope: SummaryScope) -> Figure:
    """Visits the unit and its subtree started in the period, by method (FLD-2)."""
    from fuqing.fieldwork.models import Visit, VisitMethod

    qs = Visit.objects.in_subtree(scope.org).filter(started_on__range=(scope.start, scope.end))
    rows = list(qs.values_list("method").annotate(n=Count("pk")).order_by("method"))
    return Figure(
        "visits",
        "走访调研",
        sum(n for _m, n in rows),
        "次",
        breakdown=_labelled(rows, VisitMethod.choices),
        breakdown_title="走访方式",
    )


@figure("women_met", "走访妇女", order=20)
def women_met(scope: SummaryScope) -> Figure:
    """Women the period's visits met, from field work's own head counts (FLD-2), with the vulnerable
    groups among them from the visits' group counts (FLD-5, REG-2): two aggregates. Head counts add
    up per visit (人次): a woman met twice counts twice, and may belong to several groups."""
    from django.db.models import Sum

    from fuqing.fieldwork.models import Visit, VisitGroupCount

    period = {"started_on__range": (scope.start, scope.end)}
    value = Visit.objects.in_subtree(scope.org).filter(**period).aggregate(n=Sum("women_met"))["n"] or 0
    groups = []
    if value:
        groups = [
            (name, n)
            for name, n in VisitGroupCount.objects.in_subtree(scope.org)
            .filter(**{f"visit__{k}": v for k, v in period.items()})
            .values_list("group__name")
            .annotate(n=Sum("count"))
            .order_by("-n", "group__name")
            if n
        ]
    return Figure(
        "women_met",
        "走访妇女",
        value,
        "人次",
        note="按各次走访登记的走访妇女人数合计；困难群体人数可有交叉",
        breakdown=groups,
        breakdown_title="困难群体",
    )


@figure("women_registered", "新建妇女档案", order=30)
def women_registered(scope: SummaryScope) -> Figure:
    """Women registered in the period, with the vulnerable groups they belong to (REG-1, REG-2)."""
    from fuqing.registry.models import Woman, WomanStatus

    qs = Woman.objects.in_subtree(scope.org).filter(
        registered_on__range=(scope.start, scope.end), status=WomanStatus.ACTIVE
    )
    value = qs.count()
    groups = []
    if value:
        groups = [
            (name, n)
            for name, n in qs.filter(groups__isnull=False)
            .values_list("groups__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "groups__name")
        ]
    return Figure(
        "women_registered", "新建妇女档案", value, "人", breakdown=groups, breakdown_title="困难群体"
    )


def _needs(scope: SummaryScope):
    from fuqing.assistance.models import Need

    return Need.objects.in_subtree(scope.org).filter(reported_on__range=(scope.start, scope.end))


@figure("needs_found", "发现诉求", order=40)
def needs_found(scope: SummaryScope) -> Figure:
    """Needs reported in the period, by how far they have got (NEED-1, NEED-4)."""
    from fuqing.assistance.models import NeedStatus

    rows = list(_needs(scope).values_list("status").annotate(n=Count("pk")).order_by("status"))
    return Figure(
        "needs_found",
        "发现诉求",
        sum(n for _s, n in rows),
        "件",
        breakdown=_labelled(rows, NeedStatus.choices),
        breakdown_title="办理情况",
    )


@figure("needs_resolved", "解决诉求", order=50)
def needs_resolved(scope: SummaryScope) -> Figure:
    from fuqing.assistance.models import NeedStatus

    value = _needs(scope).filter(status=NeedStatus.RESOLVED).count()
    return Figure("needs_resolved", "解决诉求", value, "件", note="本期发现的诉求中已解决的")


@figure("targets", "实事项目目标完成", order=60)
def targets(scope: SummaryScope) -> Figure:
    """Livelihood project indicators with a target at this unit: how many are reached, and each one's
    completion rate at the end of the period (PRJ-3, through the projects roll-up)."""
    from fuqing.projects.metrics import figures as project_figures
    from fuqing.projects.models import Indicator

    indicators = list(
        Indicator.objects.filter(project__year=scope.year, project__org__path__in=_ancestor_paths(scope.org))
        .select_related("project", "project__campaign")
        .order_by("project__id", "id")
    )
    found = project_figures(indicators, [scope.org], scope.end) if indicators else {}
    with_target = [f for f in found.values() if f.target]
    if not with_target:
        return Figure.missing("targets", "实事项目目标完成", "本单位本年度没有分解到的实事项目目标")
    reached = sum(1 for f in with_target if f.value >= f.target)
    breakdown = [
        (f"{f.indicator.project.name}·{f.indicator.name}", round(f.rate * 100, 1)) for f in with_target
    ]
    return Figure(
        "targets",
        "实事项目目标完成",
        reached,
        "项",
        note=f"共 {len(with_target)} 项指标分解到本单位，已完成 {reached} 项",
        breakdown=breakdown,
        breakdown_title="指标",
        breakdown_unit="完成率，%",
    )


def _ancestor_paths(org) -> list[str]:
    return [org.path[:i] for i in range(org.steplen, len(org.path) + 1, org.steplen)]


@figure("reports", "调研报告", order=70)
def reports(scope: SummaryScope) -> Figure:
    """Research reports of the campaign year, by status (RES-2, RES-3)."""
    from fuqing.research.models import Report, ReportStatus

    rows = list(
        Report.objects.in_subtree(scope.org)
        .filter(year=scope.year)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by("status")
    )
    return Figure(
        "reports",
        "调研报告",
        sum(n for _s, n in rows),
        "篇",
        note=f"{scope.year}年度",
        breakdown=_labelled(rows, ReportStatus.choices),
        breakdown_title="报告状态",
    )


@figure("plans", "制定实施方案的单位", order=80)
def plans(scope: SummaryScope) -> Figure:
    """Units of the subtree that submitted their implementation plan for this campaign (CAM-3)."""
    from fuqing.campaigns.models import Plan

    value = Plan.objects.in_subtree(scope.org).filter(campaign=scope.campaign).submitted().count()
    return Figure("plans", "制定实施方案的单位", value, "个")


@figure("submissions", "按时报送", order=90, kinds=(ANNUAL,))
def submissions(scope: SummaryScope) -> Figure:
    """How the subtree's units have kept this campaign's deadlines so far (CAM-2)."""
    from django.utils import timezone

    from fuqing.campaigns.models import Obligation

    counts = (
        Obligation.objects.in_subtree(scope.org)
        .filter(deadline__campaign=scope.campaign, is_owed=True, deadline__due_on__lte=timezone.localdate())
        .status_counts(timezone.localdate())
    )
    due = counts["on_time"] + counts["late"] + counts["missing"]
    return Figure(
        "submissions",
        "按时报送",
        counts["on_time"] if due else None,
        "项",
        note=f"已到期的 {due} 项报送中" if due else "本年度还没有到期的报送事项",
        breakdown=[
            ("按时报送", counts["on_time"]),
            ("逾期报送", counts["late"]),
            ("未报送", counts["missing"]),
        ]
        if due
        else [],
        breakdown_title="报送情况",
    )
