"""The ``visits`` and ``contact_points`` ledgers (RPT-2, RPT-3): export of the user's scope, import from
the template or from the messy ledgers units already keep, through the same services as the pages."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fuqing.core import cells
from fuqing.core.ledger import (
    Column,
    ImportContext,
    Ledger,
    ParsedRow,
    People,
    RowError,
    UnitResolver,
    collect,
    date_column,
    person_column,
    record_number_column,
    register,
    unit_column,
)
from fuqing.core.masking import mask_name
from fuqing.fieldwork import services, stats
from fuqing.fieldwork.filters import ContactPointFilter, VisitFilter
from fuqing.fieldwork.ledger_cells import (
    map_errors,
    parse_group_counts,
    parse_method,
    parse_names,
    parse_needs,
    text_cell,
)
from fuqing.fieldwork.models import ContactPoint, Visit

# the cadres a visit may name (services.allowed_members): hers and the federation leaders above
_LEADERS = gettext_lazy("找不到干部“%(v)s”（须是您范围内的干部或上级妇联领导）。")


@register
class VisitLedger(Ledger):
    name = "visits"
    title = "走访台账"
    model = Visit
    export_permission = ("fieldwork", "export")
    import_permission = ("fieldwork", "edit")
    columns = (
        record_number_column("编号"),
        unit_column(aliases=("单位", "填报单位", "走访单位"), example="道里区妇联"),
        date_column(
            "started_on",
            "开始日期",
            required=True,
            aliases=("走访日期", "日期", "开始时间", "走访时间"),
            example="2014-04-15",
            help="走访的日期；多日走访填第一天",
        ),
        date_column(
            "ended_on",
            "结束日期",
            aliases=("结束时间",),
            example="2014-04-21",
            help="当天往返可不填；蹲点调研不少于 7 天",
        ),
        Column(
            "method",
            "走访方式",
            parse=parse_method,
            required=True,
            aliases=("方式", "调研方式", "形式", "走访形式"),
            example="入户走访",
            help="一对一访谈、座谈交流、问卷调查、入户走访、蹲点调研",
            export=lambda v, c: v.get_method_display(),
            width=12,
        ),
        Column(
            "place",
            "走访地点",
            required=True,
            aliases=("地点", "联系点", "社区(村)", "社区（村）", "所在社区", "走访社区"),
            example="友谊社区",
            help="社区(村)、街道(乡镇)或区县的名称或区划代码；是本单位联系点的自动关联",
            export=lambda v, c: v.place.name if v.place_id else "",
            width=20,
            parse=text_cell(100),
        ),
        person_column("lead", "带队人", attr="lead", required=True, aliases=("带队领导", "带队", "负责人")),
        Column(
            "members",
            "参加人员",
            parse=parse_names,
            aliases=("参加人", "走访人员", "参与人员", "同行人员"),
            example="李秀英、刘春梅",
            help="其他参加的干部，姓名或用户名，用顿号分隔",
            export=lambda v, c: "、".join(m.user.display_name for m in v.memberships.all() if not m.is_lead),
            width=24,
        ),
        Column(
            "women_met",
            "走访妇女人数",
            parse=cells.integer,
            aliases=("妇女人数", "走访人数", "访谈人数", "接触妇女人数"),
            example="12",
            export=lambda v, c: v.women_met,
            width=10,
        ),
        Column(
            "groups",
            "困难群体人数",
            parse=parse_group_counts,
            aliases=("其中困难群体", "群体类别人数", "困难群体"),
            example="留守妇女3、失地妇女2",
            help="走访妇女中各困难群体的人数",
            export=lambda v, c: "、".join(f"{g.group.name}{g.count}" for g in v.group_counts.all()),
            width=24,
        ),
        Column(
            "notes",
            "情况记录",
            aliases=("走访情况", "备注", "内容", "调研内容"),
            example="了解留守妇女就业意愿",
            export=lambda v, c: v.notes,
            width=40,
            parse=text_cell(5000),
        ),
        Column(
            "needs_text",
            "发现的诉求",
            parse=parse_needs,
            aliases=("诉求", "反映问题", "发现问题", "妇女诉求"),
            example="就业：想学家政技能；住房：危房待修",
            help="每条诉求用分号或换行分隔，可在前面写类别和冒号",
            export=lambda v, c: v.needs_text,
            width=40,
        ),
        Column(
            "year",
            "年度",
            parse=cells.integer,
            aliases=("活动年度",),
            example="2014",
            help="不填则取开始日期的年份",
            export=lambda v, c: v.year,
            width=8,
        ),
        Column("days", "天数", importable=False, export=lambda v, c: v.days, width=8),
        Column(
            "led",
            "领导带队",
            importable=False,
            export=lambda v, c: "是" if v.led_by_leader else "否",
            width=8,
        ),
    )

    def queryset(self, user):
        return (
            Visit.objects.visible_to(user)
            .select_related("org", "place", "lead")
            .prefetch_related("memberships__user", "group_counts__group")
            .order_by("-started_on", "pk")
        )

    def filter(self, queryset, params: dict):
        return VisitFilter(params).apply(queryset)  # the list page's own filters

    HEADERS = {
        "org": "所属单位",
        "started_on": "开始日期",
        "ended_on": "结束日期",
        "method": "走访方式",
        "place": "走访地点",
        "lead": "带队人",
        "members": "参加人员",
        "women_met": "走访妇女人数",
        "group_counts": "困难群体人数",
        "year": "年度",
        "id": "编号",
    }

    def check_rows(self, rows: list[ParsedRow], ctx: ImportContext) -> None:
        """Resolve units, places and cadres in bulk, then apply the visit rules to every row."""
        from fuqing.registry.models import VulnerableGroup

        actor = ctx.actor
        orgs = UnitResolver(ctx.org, actor, column="所属单位")
        places = UnitResolver.named(ctx, "走访地点")
        users = People(services.allowed_members(actor), collect(rows, "lead", "members"), "带队人", _LEADERS)
        groups = {g.name: g.pk for g in VulnerableGroup.objects.filter(is_active=True)}
        group_names = {pk: name for name, pk in groups.items()}
        allowed = {u.pk for found in users.by_key.values() for u in found}
        points = ContactPoint.objects.visible_to(actor).filter(is_active=True)
        by_place = defaultdict(list)
        named = [places.resolve(v)[0] for v in collect(rows, "place")]
        for cp in points.filter(place__in=[p for p in named if p is not None]):
            by_place[cp.place_id].append(cp)
        for row in rows:
            if row.errors:
                continue
            data = self._data(row, ctx, (orgs, places), users, groups, by_place)
            if row.errors:
                continue
            try:
                services.check_visit(actor, data, allowed_ids=allowed, group_names=group_names)
                if not ctx.org or not data.org.path.startswith(ctx.org.path):
                    raise ValidationError({"org": _("所属单位应在导入单位“%(o)s”之下。") % {"o": ctx.org}})
            except ValidationError as exc:
                map_errors(row, exc, self.HEADERS)
                continue
            row.values["_data"] = data

    def _data(self, row, ctx, orgs, users, groups, by_place) -> services.VisitData:
        values = row.values

        def fail(column: str, message: str) -> None:
            row.errors.append(RowError(row.number, column, message))

        orgs, places = orgs
        org = orgs.check(row, "org")
        place = places.check(row, "place")
        lead, message = users.resolve(values["lead"])
        if lead is None:
            fail("带队人", message)
        members = []
        for name in values.get("members") or []:
            member, message = users.resolve(name)
            if member is None:
                fail("参加人员", message)
            else:
                members.append(member)
        counts = {}
        for name, count in (values.get("groups") or {}).items():
            group_id = groups.get(name) or next((pk for n, pk in groups.items() if n.startswith(name)), None)
            if group_id is None:
                fail(
                    "困难群体人数",
                    _("未知的困难群体“%(g)s”，应为：%(all)s。") % {"g": name, "all": "、".join(groups)},
                )
            else:
                counts[group_id] = count
        contact_point = None
        if place is not None and org is not None:
            own = [cp for cp in by_place.get(place.pk, []) if cp.org_id == org.pk]
            contact_point = own[0] if len(own) == 1 else None
        return services.VisitData(
            org=org,
            started_on=values["started_on"],
            ended_on=values.get("ended_on") or values["started_on"],
            method=values["method"],
            contact_point=contact_point,
            place=place,
            lead=lead,
            members=members,
            women_met=values.get("women_met") or 0,
            group_counts=counts,
            notes=values.get("notes") or "",
            needs_text=values.get("needs_text") or "",
            year=values.get("year"),
        )

    def write_row(self, row: ParsedRow, ctx: ImportContext) -> None:
        try:
            services.save_visit(ctx.actor, None, row.values["_data"], record_audit=False)
        except (ValidationError, PermissionDenied) as exc:  # checked already; a race is a crash
            raise RuntimeError(f"row {row.number} became invalid during import") from exc


def _masked(value: str, masker, ctx) -> str:
    return value if ctx.unmasked else masker(value)


@register
class ContactPointLedger(Ledger):
    name = "contact_points"
    title = "联系点台账"
    model = ContactPoint
    export_permission = ("fieldwork", "export")
    import_permission = ("fieldwork", "edit")
    columns = (
        unit_column("org", "负责单位", aliases=("单位", "所属单位"), example="道里区妇联"),
        person_column(
            "keeper",
            "联系领导",
            attr="keeper",
            aliases=("负责领导", "领导", "班子成员"),
            help="班子成员的姓名（同名时填用户名）；部(室)的联系点可不填",
        ),
        Column(
            "place",
            "联系点",
            required=True,
            aliases=("联系点名称", "地点", "社区(村)", "社区（村）", "所在社区", "联系点单位"),
            help="区县(市)、街道(乡镇)或社区(村)的名称或行政区划代码",
            example="友谊社区",
            export=lambda cp, c: cp.place.name,
            width=20,
            parse=text_cell(100),
        ),
        Column(
            "contact_name",
            "联系人",
            aliases=("联系人姓名",),
            example="王丽",
            export=lambda cp, c: _masked(cp.contact_name, mask_name, c),
            width=10,
            parse=text_cell(50),
        ),
        Column(
            "contact_phone",
            "联系电话",
            parse=cells.compact,
            aliases=("电话", "手机号", "手机", "联系方式"),
            example="13800001234",
            export=lambda cp, c: cp.contact_phone if c.unmasked else cp.masked_contact_phone,
            width=14,
        ),
        Column(
            "since_year",
            "建立年度",
            parse=cells.integer,
            aliases=("年度", "设立年度", "建立时间"),
            example="2014",
            help="不填则为今年",
            export=lambda cp, c: cp.since_year,
            width=8,
        ),
        Column(
            "notes", "备注", aliases=("说明",), export=lambda cp, c: cp.notes, width=30, parse=text_cell(2000)
        ),
        Column("last_visit", "最近走访", importable=False, export=lambda cp, c: cp.last_visit, width=12),
        Column("visit_count", "走访次数", importable=False, export=lambda cp, c: cp.visit_count, width=8),
        Column(
            "active", "有效", importable=False, export=lambda cp, c: "是" if cp.is_active else "否", width=6
        ),
    )

    HEADERS = {
        "org": "负责单位",
        "keeper": "联系领导",
        "place": "联系点",
        "contact_phone": "联系电话",
        "since_year": "建立年度",
    }

    def queryset(self, user):
        return stats.contact_points_with_last_visit(user).order_by("org__path", "place__path", "pk")

    def filter(self, queryset, params: dict):
        return ContactPointFilter(params).apply(queryset)  # the list page's own filters

    def check_rows(self, rows: list[ParsedRow], ctx: ImportContext) -> None:
        from django.utils import timezone

        actor = ctx.actor
        orgs = UnitResolver(ctx.org, actor, column="负责单位")
        places = UnitResolver.named(ctx, "联系点")
        users = People(services.allowed_members(actor), collect(rows, "keeper"), "联系领导", _LEADERS)
        seen: set[tuple] = set()
        for row in rows:
            if row.errors:
                continue
            values = row.values
            org = orgs.check(row, "org")
            place = places.check(row, "place")
            keeper = users.check(row, "keeper")
            if row.errors:
                continue
            data = services.ContactPointData(
                org=org,
                place=place,
                keeper=keeper,
                contact_name=values.get("contact_name") or "",
                contact_phone=values.get("contact_phone") or "",
                since_year=values.get("since_year") or timezone.localdate().year,
                notes=values.get("notes") or "",
            )
            try:
                if not org.path.startswith(ctx.org.path):
                    raise ValidationError({"org": _("负责单位应在导入单位“%(o)s”之下。") % {"o": ctx.org}})
                services.check_contact_point(actor, data)
            except ValidationError as exc:
                map_errors(row, exc, self.HEADERS)
                continue
            key = (org.pk, place.pk, keeper.pk if keeper else None)
            if key in seen:
                row.errors.append(RowError(row.number, "联系点", _("与文件中前面的行重复。")))
                continue
            seen.add(key)
            values["_data"] = data

    def write_row(self, row: ParsedRow, ctx: ImportContext) -> None:
        services.save_contact_point(ctx.actor, None, row.values["_data"], record_audit=False)


# registered beside the visits and contact points: the raw responses ledger (export only)
from fuqing.fieldwork import ledger_responses  # noqa: E402, F401
