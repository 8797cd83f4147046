"""Oversight ledgers (RPT-2): results, inspectors' scores, cadres' records, recommendations, cases,
publicity and rules — each the user's scope, exported as a federation's 台账, on the ledger kit's
standard columns (year, unit, person, date). Publicity items import through ``cases.add_publicity``;
results and cadres' records are computed, scores and recommendations are decisions of named people,
cases carry their source and evidence, rules their document — those are entered on their pages."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q

from fuqing.core import cells
from fuqing.core.ledger import Column, Ledger, RowError, register
from fuqing.core.ledger_kit import (
    UnitResolver,
    date_column,
    person_column,
    person_name,
    text_column,
    unit_column,
    write_each,
    year_column,
)
from fuqing.oversight.models import (
    GoodCase,
    InspectorScore,
    Practice,
    PublicityItem,
    Recommendation,
    ResultSheet,
)
from fuqing.oversight.services import cadres, cases


def _year(params: dict) -> int | None:
    value = str(params.get("year", "")).strip()
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


class _OversightLedger(Ledger):
    """An oversight register's ledger: exported with ``oversight.export``, filtered by the year."""

    export_permission = ("oversight", "export")
    year_field = "year"

    def filter(self, queryset, params):
        year = _year(params)
        return queryset.filter(**{self.year_field: year}) if year else queryset


class _YearLedger(_OversightLedger):
    """…and by words in the unit's name or the title (cases, publicity, rules)."""

    def filter(self, queryset, params):
        queryset = super().filter(queryset, params)
        if q := str(params.get("q", "")).strip()[:50]:
            queryset = queryset.filter(Q(org__name__icontains=q) | Q(title__icontains=q))
        return queryset


def _items(sheet: ResultSheet) -> str:
    parts = []
    for item in sheet.items:
        points = item.get("points")
        parts.append(f"{item['name']} {points if points is not None else '无数据'}/{item['weight']}")
    return "；".join(parts)


@register
class ResultLedger(_OversightLedger):
    name = "oversight_results"
    title = "考核结果"
    model = ResultSheet
    year_field = "scheme__year"
    columns = (
        year_column(attr="scheme.year", importable=False),
        Column(
            "level",
            "层级",
            export=lambda r, c: "区县(市)" if r.level == "district" else "街道(乡镇)",
            width=10,
        ),
        unit_column("parent", "上级单位", attr="parent.name", importable=False, width=18),
        unit_column("unit", "单位", attr="unit.name", importable=False),
        text_column("total", "总分", width=8),
        text_column("rank", "名次", width=6),
        text_column("of", "参评单位数", width=8),
        Column("items", "各项得分", export=lambda r, c: _items(r), width=80),
        text_column("as_of", "数据时间", width=18),
    )

    def queryset(self, user):
        return (
            ResultSheet.objects.visible_to(user)
            .select_related("scheme", "unit", "parent")
            .order_by("scheme__year", "level", "parent__path", "rank")
        )


@register
class ScoreLedger(_OversightLedger):
    name = "oversight_scores"
    title = "督查评分"
    model = InspectorScore
    year_field = "item__scheme__year"
    columns = (
        year_column(attr="item.scheme.year", importable=False),
        unit_column("unit", "被考核单位", attr="unit.name", importable=False),
        text_column("item", "指标", attr="item.name", width=24),
        text_column("points", "得分", width=8),
        text_column("weight", "分值", attr="item.weight", width=8),
        text_column("comment", "评语", width=40),
        Column("evidence", "佐证", export=lambda s, c: s.file_name or s.evidence_note, width=24),
        person_column("by", "评分人", attr="scored_by", importable=False, width=10),
        text_column("at", "评分时间", attr="scored_at", width=18),
    )

    def queryset(self, user):
        return (
            InspectorScore.objects.visible_to(user)
            .select_related("item__scheme", "unit", "scored_by")
            .order_by("item__scheme__year", "unit__path", "item__position")
        )


@register
class CadreLedger(_OversightLedger):
    name = "oversight_cadres"
    title = "干部下基层与结对帮扶情况"
    model = cadres.User
    columns = (
        Column("name", "姓名", export=lambda u, c: person_name(u), width=10),
        unit_column("org", "单位", importable=False),
        Column("position", "职务", export=lambda u, c: u.get_position_display(), width=10),
        Column("days", "下基层天数", export=lambda u, c: u.days, width=8),
        Column("stays", "联系点蹲点", export=lambda u, c: u.stays, width=8),
        Column("led", "带队走访", export=lambda u, c: u.led_visits, width=8),
        Column("research", "牵头调研", export=lambda u, c: u.research_led, width=8),
        Column("pairs", "结对", export=lambda u, c: u.pairs, width=6),
        Column("resolved", "结对解决诉求", export=lambda u, c: u.needs_resolved, width=10),
        Column(
            "flags",
            "提示",
            export=lambda u, c: "、".join(str(cadres.FLAGS[f]) for f in cadres.flags_of(u)),
            width=16,
        ),
    )

    def queryset(self, user):
        # every cadre of the scope with her record (the page lists the leaders; the ledger all)
        return cadres.User.objects.visible_to(user).filter(is_active=True).select_related("org")

    def filter(self, queryset, params):
        return cadres.with_record(queryset, _year(params) or datetime.date.today().year)

    def export_rows(self, queryset, ctx):
        # an export that skipped filter() (a job, the whole scope) still carries this year's record
        if "days" not in queryset.query.annotations:
            queryset = cadres.with_record(queryset, datetime.date.today().year)
        return super().export_rows(queryset, ctx)


@register
class RecommendationLedger(_OversightLedger):
    name = "oversight_recommendations"
    title = "评先树优推荐名单"
    model = Recommendation
    columns = (
        year_column(importable=False),
        person_column("name", "姓名", attr="person", importable=False, width=10),
        unit_column("org", "单位", importable=False),
        Column("decision", "决定", export=lambda r, c: "推荐" if r.recommended else "不推荐", width=8),
        text_column("reason", "理由", width=50),
        person_column("by", "决定人", attr="decided_by", importable=False, width=10),
        text_column("at", "决定时间", attr="decided_at", width=18),
    )

    def queryset(self, user):
        return Recommendation.objects.visible_to(user).select_related("person", "org", "decided_by")


@register
class CaseLedger(_YearLedger):
    name = "oversight_cases"
    title = "典型案例"
    model = GoodCase
    columns = (
        year_column(importable=False),
        unit_column("org", "报送单位", importable=False),
        text_column("title", "案例标题", width=36),
        text_column("source", "来源", attr="source_label", width=30),
        Column("status", "状态", export=lambda r, c: r.get_status_display(), width=8),
        Column("evidence", "佐证", export=lambda r, c: r.file_name or r.evidence_note, width=24),
        Column("story", "案例内容", export=lambda r, c: r.story[:32000], width=60),
    )

    def queryset(self, user):
        return GoodCase.objects.visible_to(user).select_related("org").order_by("year", "org__path", "id")


_PUBLICITY_HEADERS = {  # the service's field: the column's header
    "org": "单位",
    "published_on": "刊发日期",
    "media": "媒体",
    "title": "标题",
    "link": "链接",
    "case": "宣传的案例或活动",
    "activity": "宣传的案例或活动",
}


@register
class PublicityLedger(_YearLedger):
    """Publicity items; imported through ``cases.add_publicity``. The last column names a good case by
    its title (one of the unit's line's cases, looked up in bulk) or else the activity publicised."""

    name = "oversight_publicity"
    title = "宣传报道"
    model = PublicityItem
    import_permission = ("oversight", "edit")
    columns = (
        date_column("published_on", "刊发日期", required=True, example="2014-05-20"),
        unit_column("org", "单位", example="道里区妇联"),
        text_column("media", "媒体", 60, required=True, example="哈尔滨日报"),
        text_column("title", "标题", 150, required=True, example="道里区妇联为单亲母亲办实事", width=36),
        text_column("link", "链接", 300, width=30),
        Column(
            "about",
            "宣传的案例或活动",
            parse=lambda v: cells.text(v, 150),
            required=True,
            help="典型案例的标题，或宣传的活动",
            example="“母亲邮包”进社区",
            export=lambda r, c: r.case.title if r.case_id else r.activity,
            width=30,
        ),
    )

    def queryset(self, user):
        return (
            PublicityItem.objects.visible_to(user)
            .select_related("org", "case")
            .order_by("published_on", "id")
        )

    def check_rows(self, rows, ctx):
        resolver = UnitResolver(ctx.org, ctx.actor, column="单位")
        titles = {r.values.get("about") for r in rows if r.values.get("about")}
        by_title: dict[str, list] = {}
        for case in GoodCase.objects.visible_to(ctx.actor).filter(title__in=titles).select_related("org"):
            by_title.setdefault(case.title, []).append(case)
        for row in rows:
            org = row.values["_org"] = resolver.check(row, "org")
            if org is None or row.errors:
                continue
            about = row.values.get("about") or ""
            # a case of the unit's line (its own, above or below it), as the page offers them
            found = [
                c
                for c in by_title.get(about, [])
                if c.org.path.startswith(org.path) or org.path.startswith(c.org.path)
            ]
            row.values["_case"] = found[0] if len(found) == 1 else None
            try:
                cases.clean_publicity(
                    media=row.values.get("media"),
                    published_on=row.values.get("published_on"),
                    title=row.values.get("title"),
                    link=row.values.get("link"),
                    activity="" if row.values["_case"] else about,
                    case=row.values["_case"],
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        row.errors.append(RowError(row.number, _PUBLICITY_HEADERS.get(field, field), message))

    def write(self, rows, ctx):
        def one(row):
            v = row.values
            cases.add_publicity(
                ctx.actor,
                org=v["_org"],
                media=v["media"],
                published_on=v["published_on"],
                title=v["title"],
                link=v.get("link") or "",
                case=v["_case"],
                activity="" if v["_case"] else v["about"],
            )

        return write_each(rows, one)


@register
class PracticeLedger(_YearLedger):
    name = "oversight_practices"
    title = "制度规定"
    model = Practice
    columns = (
        date_column("issued_on", "印发日期", importable=False),
        unit_column("org", "制定单位", importable=False),
        text_column("title", "制度名称", width=36),
        text_column("number", "文号", attr="document_number", width=16),
        text_column("file", "制度文件", attr="file_name", width=24),
        Column("case", "源自案例", export=lambda r, c: r.case.title if r.case_id else "", width=30),
    )

    def queryset(self, user):
        return Practice.objects.visible_to(user).select_related("org", "case").order_by("issued_on", "id")
