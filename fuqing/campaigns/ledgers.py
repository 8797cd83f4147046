"""Plans and submissions as ledgers (RPT-2): the completeness/timeliness table and the plans export."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from fuqing.campaigns import submissions
from fuqing.campaigns.models import Obligation, ObligationStatus, Plan
from fuqing.core.ledger import Column, Ledger, register


def _year(params) -> int | None:
    year = str(params.get("year", ""))
    return int(year) if year.isdigit() else None


@register
class SubmissionLedger(Ledger):
    """One row per unit and deadline: on time, late (days late), missing, or not yet due (CAM-2)."""

    name = "submissions"
    title = "报送情况"
    model = Obligation
    export_permission = ("campaigns", "export")
    columns = (
        Column("year", "年度", export=lambda o, c: o.deadline.campaign.year, width=8),
        Column("deadline", "报送事项", export=lambda o, c: o.deadline.name, width=28),
        Column("due_on", "截止日期", export=lambda o, c: o.deadline.due_on, width=12),
        Column("org", "报送单位", export=lambda o, c: o.org.name, width=24),
        Column("kind", "单位类型", export=lambda o, c: str(o.org.get_kind_display()), width=14),
        Column("code", "行政区划代码", export=lambda o, c: o.org.division_code, width=14),
        Column(
            "status",
            "报送状态",
            export=lambda o, c: str(ObligationStatus(o.status(timezone.localdate())).label),
            width=10,
        ),
        Column("first", "首次报送时间", export=lambda o, c: o.first_submitted_at, width=18),
        Column("days_late", "逾期天数", export=lambda o, c: o.days_late or None, width=10),
        Column("last", "最近报送时间", export=lambda o, c: o.last_submitted_at, width=18),
        Column("versions", "版本数", export=lambda o, c: o.versions, width=8),
    )

    def queryset(self, user):
        return (
            Obligation.objects.visible_to(user)
            .filter(is_owed=True)
            .select_related("deadline__campaign", "org")
            .order_by("deadline__campaign__year", "deadline__due_on", "org__path")
        )

    def filter(self, queryset, params):
        year = _year(params)
        if year:
            queryset = queryset.filter(deadline__campaign__year=year)
        return submissions.filter_obligations(queryset, params, timezone.localdate())


def _leaders(plan, ctx) -> str:
    return "、".join(u.display_name for u in plan.leaders.all())


@register
class PlanLedger(Ledger):
    """The implementation plans of the user's scope (CAM-3)."""

    name = "plans"
    title = "实施方案"
    model = Plan
    export_permission = ("campaigns", "export")
    columns = (
        Column("year", "年度", export=lambda p, c: p.campaign.year, width=8),
        Column("org", "单位", export=lambda p, c: p.org.name, width=24),
        Column("title", "标题", export=lambda p, c: p.title, width=36),
        Column("goals", "活动目标", export=lambda p, c: p.goals, width=50),
        Column("responsibilities", "工作责任", export=lambda p, c: p.responsibilities, width=50),
        Column("leaders", "牵头领导", export=_leaders, width=20),
        Column("measures", "主要措施", export=lambda p, c: p.measures, width=50),
        Column("status", "状态", export=lambda p, c: p.status_label, width=14),
        Column("version", "版本", export=lambda p, c: p.version, width=8),
        Column("submitted_at", "提交时间", export=lambda p, c: p.submitted_at, width=18),
        Column("attachments", "附件数", export=lambda p, c: p.attachment_count, width=8),
    )

    def queryset(self, user):
        return (
            Plan.objects.visible_to(user)
            .select_related("campaign", "org")
            .prefetch_related("leaders")
            .annotate(attachment_count=Count("attachments", filter=Q(attachments__removed_at__isnull=True)))
            .order_by("campaign__year", "org__path")
        )

    def filter(self, queryset, params):
        year = _year(params)
        if year:
            queryset = queryset.filter(campaign__year=year)
        q = (params.get("q") or "").strip()[:50]
        if q:
            queryset = queryset.filter(
                Q(title__icontains=q) | Q(org__name__icontains=q) | Q(goals__icontains=q)
            )
        status = params.get("status", "")
        if status == "submitted":
            queryset = queryset.filter(submitted_at__isnull=False)
        elif status == "draft":
            queryset = queryset.filter(submitted_at__isnull=True)
        return queryset
