"""The monthly progress ledger (PRJ-3, RPT-2, RPT-3): export with the correction history, import of
monthly values — a changed value needs its reason, exactly as on the page."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fuqing.core import cells
from fuqing.core.ledger import (
    Column,
    ImportContext,
    Ledger,
    ParsedRow,
    RowError,
    person_column,
    project_column,
    register,
    unit_column,
    year_column,
)
from fuqing.projects import services
from fuqing.projects.filters import ProgressFilter
from fuqing.projects.ledgers.common import (
    ProjectResolver,
    amount,
    editable,
    export_queryset,
    month,
    units,
)
from fuqing.projects.models import Indicator, ProgressEntry, Source
from fuqing.projects.services.common import plain


def _status(entry, ctx):
    return _("当前值") if entry.is_current else _("已被更正")


@register
class ProgressLedger(Ledger):
    name = "progress"
    title = "实事项目月度进度"
    model = ProgressEntry
    export_permission = ("projects", "export")
    import_permission = ("projects", "edit")
    columns = (
        year_column(help="项目所属的活动年度"),
        project_column(
            attr="indicator.project.name",
            required=True,
            example="春风送岗位",
            help="项目名称，与系统中一致",
            width=18,
        ),
        Column(
            "indicator",
            "指标",
            parse=lambda v: cells.text(v, 100),
            required=True,
            aliases=("指标名称",),
            example="提供就业岗位",
            help="按月填报的指标名称（自动计算的指标不能填报）",
            export=lambda e, c: e.indicator.name,
            width=18,
        ),
        unit_column(
            "org", "单位", aliases=("填报单位", "单位名称", "区划代码"), example="道里区妇联", width=18
        ),
        Column(
            "month",
            "月份",
            parse=month,
            required=True,
            aliases=("填报月份",),
            example="2014-05",
            help="2014-05、2014年5月，或只写 5（按“年度”列）",
            export=lambda e, c: f"{e.month:%Y-%m}",
            width=10,
        ),
        Column(
            "value",
            "本月完成数",
            parse=amount,
            required=True,
            aliases=("完成数", "本月完成", "数值"),
            example="1200",
            help="当月完成的数，不是累计数；金额以元为单位",
            export=lambda e, c: e.value,
            width=12,
        ),
        Column(
            "reason",
            "更正原因/备注",
            parse=lambda v: cells.text(v, 200),
            aliases=("更正原因", "备注"),
            example="剔除重复统计的岗位",
            help="更正已填报的数值时必填",
            export=lambda e, c: e.reason,
            width=30,
        ),
        Column(
            "unit", "计量单位", importable=False, export=lambda e, c: e.indicator.get_unit_display(), width=8
        ),
        Column("status", "状态", importable=False, export=_status, width=10),
        person_column("entered_by", "填报人", attr="entered_by", importable=False),
        Column("entered_at", "填报时间", importable=False, export=lambda e, c: e.entered_at, width=18),
    )

    def queryset(self, user):
        return (
            export_queryset(ProgressEntry, user)
            .select_related("indicator", "indicator__project", "org", "entered_by")
            .order_by(
                "year", "indicator__project__sort", "indicator__sort", "org__path", "month", "entered_at"
            )
        )

    def filter(self, queryset, params: dict):
        return ProgressFilter(params).apply(queryset)  # the list page's own filters

    def check_rows(self, rows: list[ParsedRow], ctx: ImportContext) -> None:
        orgs = units(ctx, "单位")
        projects = ProjectResolver(ctx.actor, ctx.org)
        indicators = {
            (i.project_id, i.name): i
            for i in Indicator.objects.filter(
                project__in={p.pk for ps in projects.projects.values() for p in ps}
            ).select_related("project", "project__org")
        }
        keys: dict[tuple, int] = {}
        for row in rows:
            if row.errors:
                continue
            v = row.values
            project, message = projects.find(v["year"], v["project"])
            if project is None:
                row.errors.append(RowError(row.number, "项目", message))
                continue
            indicator = indicators.get((project.pk, v["indicator"]))
            if indicator is None:
                row.errors.append(
                    RowError(
                        row.number,
                        "指标",
                        _("“%(p)s”没有名为“%(i)s”的指标。") % {"p": project.name, "i": v["indicator"]},
                    )
                )
                continue
            if indicator.source != Source.REPORTED:
                row.errors.append(
                    RowError(
                        row.number, "指标", _("“%(i)s”由记录自动计算，不能填报。") % {"i": indicator.name}
                    )
                )
                continue
            org, message = orgs.resolve(v.get("org") or "")
            if org is None:
                row.errors.append(RowError(row.number, "单位", message))
                continue
            if not editable(ctx.actor, org):
                row.errors.append(
                    RowError(row.number, "单位", _("“%(o)s”不在您可以填报的范围内。") % {"o": org.name})
                )
                continue
            if not org.path.startswith(project.org.path):
                row.errors.append(
                    RowError(row.number, "单位", _("“%(o)s”不在项目主办单位的范围内。") % {"o": org.name})
                )
                continue
            year_of_month, number = v["month"]
            if year_of_month is not None and year_of_month != project.year:
                row.errors.append(
                    RowError(row.number, "月份", _("月份应在项目年度（%(y)d年）内。") % {"y": project.year})
                )
                continue
            first = datetime.date(project.year, number, 1)
            try:
                services.progress.check_reportable(indicator, org, first)
            except ValidationError as exc:
                row.errors.append(RowError(row.number, "月份", "；".join(exc.messages)))
                continue
            key = (indicator.pk, org.pk, first)
            if key in keys:
                row.errors.append(
                    RowError(
                        row.number,
                        "月份",
                        _("与第 %(n)d 行是同一单位、同一指标、同一月份。") % {"n": keys[key]},
                    )
                )
                continue
            keys[key] = row.number
            v.update({"_indicator": indicator, "_org": org, "_month": first})
        current = {
            (e.indicator_id, e.org_id, e.month): e.value
            for e in ProgressEntry.objects.filter(
                indicator_id__in={k[0] for k in keys},
                org_id__in={k[1] for k in keys},
                superseded_at__isnull=True,
            )
        }
        for row in rows:
            if row.errors or "_indicator" not in row.values:
                continue
            v = row.values
            old = current.get((v["_indicator"].pk, v["_org"].pk, v["_month"]))
            if old is not None and old != v["value"] and not v.get("reason"):
                row.errors.append(
                    RowError(
                        row.number,
                        "更正原因/备注",
                        _("该月已填报 %(v)s，更正须填写原因。") % {"v": plain(old)},
                    )
                )

    def write(self, rows: list[ParsedRow], ctx: ImportContext) -> int:
        written = 0
        for index, row in enumerate(rows, start=1):
            v = row.values
            result = services.report_progress(
                ctx.actor,
                indicator=v["_indicator"],
                org=v["_org"],
                month=v["_month"],
                value=v["value"],
                reason=v.get("reason") or "",
            )
            written += 0 if result.unchanged else 1
            if ctx.progress:
                ctx.progress(index, len(rows))
        return written
