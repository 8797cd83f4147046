"""Plans and submissions as ledgers (RPT-2): the completeness/timeliness table and the plans export."""

from __future__ import annotations

import re

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.campaigns import plans
from fuqing.campaigns.filters import ObligationFilter, PlanFilter
from fuqing.campaigns.models import Obligation, ObligationStatus, Plan
from fuqing.campaigns.services import campaign_for
from fuqing.core import cells
from fuqing.core.ledger import (
    UNIT_RULE,
    Column,
    ImportContext,
    Ledger,
    ParsedRow,
    RowError,
    UnitResolver,
    collect,
    register,
    unit_column,
    year_column,
)
from fuqing.orgs.models import User


@register
class SubmissionLedger(Ledger):
    """One row per unit and deadline: on time, late (days late), missing, or not yet due (CAM-2)."""

    name = "submissions"
    title = "报送情况"
    model = Obligation
    export_permission = ("campaigns", "export")
    columns = (
        year_column(attr="deadline.campaign.year", importable=False),
        Column("deadline", "报送事项", export=lambda o, c: o.deadline.name, width=28),
        Column("due_on", "截止日期", export=lambda o, c: o.deadline.due_on, width=12),
        unit_column("org", "报送单位", importable=False, width=24),
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
        return self.filter_for(None, queryset, params)

    def filter_for(self, user, queryset, params):
        return ObligationFilter(params, user).apply(queryset)  # the 报送情况 page's own filters


def _leaders(plan, ctx) -> str:
    return "、".join(u.display_name for u in plan.leaders.all())


def _text(limit: int | None = None):
    return lambda value: cells.text(value, limit)


def _long_text(value) -> str:
    """Multi-line cells keep their line breaks (the plan's paragraphs)."""
    if value is None:
        return ""
    lines = [cells.text(line) for line in str(value).replace("\r\n", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


_SPLIT = re.compile(r"[、,，;；\s]+")


@register
class PlanLedger(Ledger):
    """The implementation plans of the user's scope (CAM-3); importing a row creates the unit's plan
    for the current campaign, or saves a new version of it."""

    name = "plans"
    title = "实施方案"
    model = Plan
    export_permission = ("campaigns", "export")
    import_permission = ("campaigns", "edit")
    columns = (
        year_column(attr="campaign.year", importable=False),
        Column(
            "org",
            "单位",
            required=True,
            aliases=("单位名称", "行政区划代码"),
            help="填报方案的单位（含导入单位本级）。" + UNIT_RULE,
            example="道里区妇联",
            export=lambda p, c: p.org.name,
            parse=_text(200),
            width=24,
        ),
        Column(
            "title",
            "标题",
            required=True,
            help="方案标题，200 字以内",
            example="道里区妇联2014年“下基层、访妇情、办实事”活动实施方案",
            export=lambda p, c: p.title,
            parse=_text(200),
            width=36,
        ),
        Column(
            "goals",
            "活动目标",
            required=True,
            aliases=("目标",),
            help="可分行填写",
            example="走访全部社区，全年解决实际困难不少于100件",
            export=lambda p, c: p.goals,
            parse=_long_text,
            width=50,
        ),
        Column(
            "responsibilities",
            "工作责任",
            required=True,
            aliases=("责任", "责任分工"),
            help="可分行填写",
            example="主席牵头，专职副主席负责调研月",
            export=lambda p, c: p.responsibilities,
            parse=_long_text,
            width=50,
        ),
        Column(
            "leaders",
            "牵头领导",
            required=True,
            help="本单位在职人员的姓名或用户名，多人用顿号分隔",
            example="李秀英",
            export=_leaders,
            parse=lambda v: [x for x in _SPLIT.split(cells.text(v)) if x],
            width=20,
        ),
        Column(
            "measures",
            "主要措施",
            aliases=("措施",),
            help="可分行填写",
            example="班子成员分片包干联系社区",
            export=lambda p, c: p.measures,
            parse=_long_text,
            width=50,
        ),
        Column("status", "状态", export=lambda p, c: p.status_label, width=14, importable=False),
        Column("version", "版本", export=lambda p, c: p.version, width=8, importable=False),
        Column("submitted_at", "提交时间", export=lambda p, c: p.submitted_at, width=18, importable=False),
        Column("attachments", "附件数", export=lambda p, c: p.attachment_count, width=8, importable=False),
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
        return self.filter_for(None, queryset, params)

    def filter_for(self, user, queryset, params):
        return PlanFilter(params, user).apply(queryset)  # the plans page's own filters

    # --- import -------------------------------------------------------------------------------
    def check_rows(self, rows: list[ParsedRow], ctx: ImportContext) -> None:
        """Units inside the target and the importer's edit scope, one row per unit, leaders found
        among the unit's active people — checked in bulk before anything is written."""

        campaign = campaign_for(ctx.actor, ctx.extra.get("year"))
        if campaign is None or not ctx.org.path.startswith(campaign.org.path):
            for row in rows:
                row.errors.append(
                    RowError(row.number, "单位", _("所选单位还没有本年度活动，无法导入实施方案。"))
                )
            return
        ctx.extra["campaign"] = campaign
        units = UnitResolver(ctx.org, ctx.actor, column="单位", default=False)
        named = {key: units.resolve(key)[0] for key in collect(rows, "org")}
        orgs = [o for o in named.values() if o is not None]
        people: dict[int, list[User]] = {}
        for user in User.objects.filter(org__in=orgs, is_active=True):
            people.setdefault(user.org_id, []).append(user)
        seen: set[int] = set()
        for row in rows:
            if row.errors:
                continue
            org = units.check(row, "org")
            if org is None:
                continue
            if org.pk in seen:
                row.errors.append(RowError(row.number, "单位", _("同一单位在文件中出现了不止一次。")))
                continue
            seen.add(org.pk)
            leaders, unknown = [], []
            for name in row.values["leaders"]:
                found = [u for u in people.get(org.pk, []) if name in (u.name, u.username)]
                if len(found) == 1:
                    leaders.append(found[0])
                else:
                    unknown.append(name)
            if unknown:
                row.errors.append(
                    RowError(
                        row.number,
                        "牵头领导",
                        _("%(n)s 不是“%(o)s”的在职人员（或有重名，请改填用户名）。")
                        % {"n": "、".join(unknown), "o": org.name},
                    )
                )
                continue
            row.values["_org"] = org
            row.values["_leaders"] = leaders

    def write(self, rows: list[ParsedRow], ctx: ImportContext) -> int:
        campaign = ctx.extra["campaign"]
        existing = {
            p.org_id: p
            for p in Plan.objects.filter(campaign=campaign, org__in=[r.values["_org"] for r in rows])
        }
        for index, row in enumerate(rows, start=1):
            values = row.values
            fields = {k: values.get(k) or "" for k in ("title", "goals", "responsibilities", "measures")}
            plan = existing.get(values["_org"].pk)
            if plan is None:
                plans.create_plan(
                    ctx.actor, campaign=campaign, org=values["_org"], leaders=values["_leaders"], **fields
                )
            else:
                plans.update_plan(ctx.actor, plan, leaders=values["_leaders"], **fields)
            if ctx.progress:
                ctx.progress(index, len(rows))
        return len(rows)
