"""Research ledgers (RPT-2, RPT-3): topics (export and import), reports, Qiushi Cup scores and results."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from fuqing.core import cells
from fuqing.core.ledger import (
    UNIT_RULE,
    Column,
    ImportContext,
    Ledger,
    ParsedRow,
    RowError,
    UnitResolver,
    person_column,
    register,
    unit_column,
    year_column,
)
from fuqing.core.scoping import scope_q
from fuqing.orgs.models import OrgKind, User
from fuqing.research.filters import ReportFilter
from fuqing.research.models import Entry, Report, Score, Topic
from fuqing.research.rules import TOPIC_CITY_LEADERS, parent_path
from fuqing.research.services import cup as cup_services
from fuqing.research.services import topics as topic_services

EXCEL_CELL = 32000


def _int_param(params: dict, key: str) -> int | None:
    value = str(params.get(key, "")).strip()
    return int(value) if value.isdigit() else None


@register
class TopicLedger(Ledger):
    name = "research_topics"
    title = "重点调研课题"
    model = Topic
    export_permission = ("research", "export")
    import_permission = ("research", "edit")
    columns = (
        year_column(),
        unit_column(
            "unit",
            "课题单位",
            aliases=("单位", "单位名称"),
            help="市妇联机关部（室）或区县(市)妇联。" + UNIT_RULE + "不填则为导入时所选单位",
            example="道里区妇联",
        ),
        Column(
            "title",
            "课题名称",
            required=True,
            aliases=("课题", "题目"),
            example="失地妇女再就业情况调研",
            export=lambda t, c: t.title,
            width=36,
            parse=lambda v: cells.text(v, 200),
        ),
        person_column(
            "leader",
            "课题组组长",
            attr="leader",
            required=True,
            aliases=("组长", "牵头领导"),
            help="部室课题由市妇联主席、副主席任组长；区县(市)课题由本级主席带队。填姓名（同名时填用户名）",
            example="王淑珍",
        ),
        Column(
            "members",
            "课题组成员",
            aliases=("成员",),
            example="李秀英、张晓红",
            export=lambda t, c: t.members,
            width=24,
            parse=lambda v: cells.text(v, 300),
        ),
        Column(
            "description",
            "研究内容",
            aliases=("内容", "说明"),
            export=lambda t, c: t.description,
            width=40,
            parse=lambda v: cells.text(v),
        ),
        Column("flag", "落实情况", export=lambda t, c: c.flags.get(t.pk, ""), importable=False, width=30),
    )

    def queryset(self, user):
        return (
            Topic.objects.visible_to(user).select_related("org", "leader").order_by("year", "org__path", "id")
        )

    def filter(self, queryset, params):
        year = _int_param(params, "year")
        return queryset.filter(year=year) if year else queryset

    def export_row(self, obj, ctx):
        """The 落实情况 column: the RES-1 check of the topic's year, computed once per year."""
        if not hasattr(ctx, "flags"):
            ctx.flags, ctx.years = {}, set()
        if obj.year not in ctx.years:
            ctx.years.add(obj.year)
            ctx.flags.update(topic_services.topic_flags(topic_services.compliance(ctx.user, obj.year)))
        return super().export_row(obj, ctx)

    def check_rows(self, rows: list[ParsedRow], ctx: ImportContext) -> None:
        """Resolve each row's unit (within the chosen organisation) and leader, by the RES-1 rules."""
        resolver = UnitResolver(
            ctx.org,
            ctx.actor,
            column="课题单位",
            accept=lambda u, parent: (
                u.kind in (OrgKind.DEPARTMENT, OrgKind.DISTRICT) and topic_services.unit_kind(u, parent)
            ),
        )
        parents = resolver.by_path
        units = [resolver.by_path[path] for path in resolver.allowed]
        leader_orgs = {u.pk for u in units} | {
            parents[parent_path(u)].pk for u in units if parent_path(u) in parents
        }
        candidates = list(
            User.objects.filter(org_id__in=leader_orgs, is_active=True, position__in=TOPIC_CITY_LEADERS)
            .select_related("org")
            .prefetch_related("roles")  # leader_problem refuses administrator accounts (SEC-5)
        )
        for row in rows:
            if row.errors:
                continue
            values = row.values
            unit = resolver.check(row, "unit")
            if unit is None:
                continue
            parent = parents.get(parent_path(unit))
            name = values["leader"]
            matches = [u for u in candidates if name in (u.name, u.username)]
            fitting = [u for u in matches if not topic_services.leader_problem(unit, parent, u)]
            if len(fitting) == 1:
                values["_unit"], values["_leader"] = unit, fitting[0]
            elif len(fitting) > 1:
                row.errors.append(RowError(row.number, "课题组组长", _("同名的人员不止一个，请改填用户名。")))
            else:
                message = (
                    topic_services.leader_problem(unit, parent, matches[0])
                    if matches
                    else _(
                        "找不到可任组长的“%(n)s”：部室课题须由市妇联主席或副主席任组长，区县(市)课题须由本级主席带队。"
                    )
                    % {"n": name}
                )
                row.errors.append(RowError(row.number, "课题组组长", message))

    def write_row(self, row: ParsedRow, ctx: ImportContext) -> None:
        values = row.values
        topic_services.create_topic(
            ctx.actor,
            org=values["_unit"],
            year=values["year"],
            title=values["title"],
            leader=values["_leader"],
            description=values.get("description") or "",
            members=values.get("members") or "",
        )


def _status(report, ctx):
    return report.get_status_display()


@register
class ReportLedger(Ledger):
    name = "research_reports"
    title = "调研报告"
    model = Report
    export_permission = ("research", "export")
    columns = (
        year_column(importable=False),
        unit_column("org", "单位", importable=False),
        Column("title", "标题", export=lambda r, c: r.title, width=40),
        Column("authors", "作者", export=lambda r, c: r.authors, width=16),
        Column("topic", "重点调研课题", export=lambda r, c: r.topic.title if r.topic_id else "", width=30),
        Column("status", "状态", export=_status, width=10),
        Column("submitted_at", "报送时间", export=lambda r, c: r.submitted_at, width=18),
        Column("reviewed_at", "审核时间", export=lambda r, c: r.reviewed_at, width=18),
        Column("recommended_at", "推荐时间", export=lambda r, c: r.recommended_at, width=18),
        Column("situation", "情况", export=lambda r, c: r.situation[:EXCEL_CELL], width=50),
        Column("analysis", "分析", export=lambda r, c: r.analysis[:EXCEL_CELL], width=50),
        Column("recommendations", "建议", export=lambda r, c: r.recommendations[:EXCEL_CELL], width=50),
    )

    def queryset(self, user):
        return (
            Report.objects.visible_to(user)
            .select_related("org", "topic")
            .order_by("year", "org__path", "title")
        )

    def filter(self, queryset, params):
        return ReportFilter(params).apply(queryset)  # the list page's own filters


def _managed(ctx, competition) -> bool:
    cache = getattr(ctx, "managed", None)
    if cache is None:
        cache = ctx.managed = {}
    if competition.pk not in cache:
        cache[competition.pk] = cup_services.can_manage(ctx.user, competition)
    return cache[competition.pk]


def _judging(ctx, competition) -> bool:
    cache = getattr(ctx, "judging", None)
    if cache is None:
        cache = ctx.judging = {}
    if competition.pk not in cache:
        cache[competition.pk] = cup_services.judge_of(ctx.user, competition) is not None
    return cache[competition.pk]


def _blind(value):
    def export(score, ctx):
        competition = score.sheet.entry.competition
        if _managed(ctx, competition) and not _judging(ctx, competition):
            return value(score)
        return _("（匿名评审）")

    return export


@register
class ScoreLedger(Ledger):
    """Every score of the Qiushi Cup; judges see only their own, without the entries' units (blind)."""

    name = "research_scores"
    title = "求实杯评分"
    model = Score
    export_permission = ("research", "export")
    columns = (
        Column("competition", "评选", export=lambda s, c: str(s.sheet.entry.competition), width=24),
        Column("code", "参评编号", export=lambda s, c: s.sheet.entry.code, width=10),
        Column("title", "报告标题", export=lambda s, c: s.sheet.entry.report.title, width=36),
        Column("org", "报告单位", export=_blind(lambda s: s.sheet.entry.report.org.name), width=20),
        person_column("judge", "评委", attr="sheet.judge.user", importable=False),
        Column("criterion", "评分项", export=lambda s, c: s.criterion.name, width=16),
        Column("weight", "权重(%)", export=lambda s, c: s.criterion.weight, width=8),
        Column("value", "得分", export=lambda s, c: float(s.value), width=8),
        Column("comment", "评语", export=lambda s, c: s.sheet.comment, width=40),
    )

    def queryset(self, user):
        return (
            Score.objects.visible_to(user)
            .select_related(
                "criterion",
                "sheet__judge__user",
                "sheet__entry__competition__org",
                "sheet__entry__report__org",
            )
            .order_by(
                "sheet__entry__competition", "sheet__entry__code", "sheet__judge", "criterion__position"
            )
        )

    def filter(self, queryset, params):
        competition = _int_param(params, "competition")
        return queryset.filter(sheet__entry__competition=competition) if competition else queryset


def _result(field: str):
    def export(entry, ctx):
        if entry.competition.is_closed:
            value = getattr(entry, field)
        elif _judging(ctx, entry.competition):
            return None  # blind until published, even for a judge who organises
        else:
            rows = getattr(ctx, "live", {})
            if entry.competition_id not in rows:
                rows[entry.competition_id] = {r.entry.pk: r for r in cup_services.ranking(entry.competition)}
                ctx.live = rows
            row = rows[entry.competition_id].get(entry.pk)
            value = getattr(row, field, None) if row else None
        if field == "award":
            return str(dict(cup_services.Award.choices).get(value, "")) if value else ""
        return float(value) if field == "total" and value is not None else value

    return export


@register
class ResultLedger(Ledger):
    """The Qiushi Cup's ranking and awards (RES-4): the organiser's, or — once published — one's own."""

    name = "research_results"
    title = "求实杯评选结果"
    model = Entry
    export_permission = ("research", "export")
    columns = (
        Column("competition", "评选", export=lambda e, c: str(e.competition), width=24),
        Column("rank", "名次", export=_result("rank"), width=8),
        Column("code", "参评编号", export=lambda e, c: e.code, width=10),
        Column("title", "报告标题", export=lambda e, c: e.report.title, width=40),
        Column("org", "单位", export=lambda e, c: e.report.org.name, width=20),
        Column("total", "总分", export=_result("total"), width=8),
        Column("award", "奖项", export=_result("award"), width=10),
    )

    def queryset(self, user):
        published = Q(competition__closed_at__isnull=False)
        return (
            Entry.objects.visible_to(user)
            .filter(published | scope_q(user, "competition__org", edit=True))
            .select_related("competition", "report__org")
            .order_by("competition", "rank", "code")
        )

    def filter(self, queryset, params):
        competition = _int_param(params, "competition")
        return queryset.filter(competition=competition) if competition else queryset
