"""The building ledgers (台账, RPT-2/RPT-3): Women's Homes, their activities, women's groups, teams,
training attendance and work conditions, on the ledger kit's column factories. Each imports
all-or-nothing through the same services as the pages; units are read by the kit's UnitResolver inside
the importer's unit and scope, every lookup in bulk."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.building import services
from fuqing.building.models import (
    Attendance,
    DemoLevel,
    Election,
    GroupKind,
    Handbook,
    HandbookDownload,
    HandbookVersion,
    HomeActivity,
    HomeFunction,
    HomeSetting,
    TeamMember,
    TeamRole,
    TrainingLevel,
    TrainingSession,
    WomensGroup,
    WomensHome,
    WorkCondition,
)
from fuqing.core import cells
from fuqing.core.cells import CellError
from fuqing.core.ledger import Column, ImportContext, Ledger, ParsedRow, RowError, register
from fuqing.core.ledger_kit import (
    UNIT_RULE,
    UnitResolver,
    choice_column,
    date_column,
    number_column,
    parse_file_number,
    person_column,
    text_column,
    unit_column,
    write_each,
    year_column,
)
from fuqing.core.scoping import subtree_q

VIEW, EDIT, EXPORT = ("building", "view"), ("building", "edit"), ("building", "export")


def _text(n):
    return lambda v: cells.text(v, n)


def _units(rows: list[ParsedRow], ctx: ImportContext, *, edit: bool = True, default: bool = True) -> None:
    """Each row's unit (``row.values["_org"]``) by the ledger kit's one rule, inside the import's unit
    and the importer's scope: every unit read in one query for the whole file."""
    resolver = UnitResolver(ctx.org, ctx.actor, column="单位", edit=edit, default=default)
    for row in rows:
        row.values["_org"] = resolver.check(row, "org")


def _unit(header: str = "单位", **kw) -> Column:
    """The unit column of every building ledger: "单位" (also read as "所属单位")."""
    return unit_column("org", header, aliases=kw.pop("aliases", ("所属单位",)), width=16, **kw)


def _count(value) -> int:
    number = cells.integer(value)
    return 0 if number is None else number


def _amount(value):
    return cells.decimal(value) or 0


def _service_errors(row: ParsedRow, exc: Exception, header: str) -> None:
    messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    for message in messages:
        row.errors.append(RowError(row.number, header, message))


def _field_errors(row: ParsedRow, exc: ValidationError, headers: dict[str, str]) -> None:
    """A service's refusal on the row, each message under the column of the field it names."""
    if not hasattr(exc, "error_dict"):
        _service_errors(row, exc, next(iter(headers.values())))
        return
    for field, errors in exc.message_dict.items():
        for message in errors:
            row.errors.append(RowError(row.number, headers.get(field, field), message))


# --- Women's Homes -------------------------------------------------------------------------------


def _setting(value) -> HomeSetting:
    raw = cells.text(value)
    setting = services.homes.home_setting(raw)
    if setting is None:
        names = "、".join(HomeSetting.objects.filter(is_active=True).values_list("name", flat=True))
        raise CellError(_("应为以下之一：%(labels)s。") % {"labels": names})
    return setting


def _functions(value) -> list[str]:
    raw = cells.text(value)
    if not raw:
        return []
    result = []
    for part in raw.replace("，", "、").replace(",", "、").split("、"):
        part = part.strip()
        if part:
            result.append(cells.choice(part, HomeFunction.choices))
    return result


@register
class HomeLedger(Ledger):
    name = "building_homes"
    title = "妇女之家"
    model = WomensHome
    export_permission = EXPORT
    import_permission = EDIT
    columns = (
        _unit(example="新阳路街道/友谊社区"),
        text_column("name", "名称", 100, required=True, example="友谊社区妇女之家", width=20),
        text_column("address", "地址", 200, required=True, example="友谊路12号", width=24),
        Column(
            "setting",
            "设置领域",
            parse=_setting,
            required=True,
            example="社区",
            export=lambda h, c: h.setting.name,
            width=12,
        ),
        date_column("founded_on", "建立日期", example="2013-03-08"),
        text_column("standard", "达到的标准", 100),
        Column(
            "demo_level",
            "示范点级别",
            parse=lambda v: cells.choice(v, DemoLevel.choices) or DemoLevel.NONE,
            example="市级示范点",
            export=lambda h, c: h.get_demo_level_display(),
            width=12,
        ),
        Column(
            "functions",
            "发挥的功能",
            parse=_functions,
            example="宣传教育、关爱服务",
            export=lambda h, c: "、".join(h.function_labels()),
            width=20,
        ),
        text_column("keeper", "管理员", 50, width=10),
        Column(
            "keeper_phone",
            "管理员电话",
            parse=lambda v: cells.compact(v),
            export=lambda h, c: h.keeper_phone_masked,
            width=14,
        ),
        text_column("hours", "开放时间", 100, width=18),
        Column(
            "activities",
            "本年活动次数",
            importable=False,
            export=lambda h, c: getattr(h, "activity_count", ""),
            width=10,
        ),
    )

    def queryset(self, user):
        from django.db.models import Count

        return (
            WomensHome.objects.visible_to(user)
            .select_related("org", "setting")
            .annotate(activity_count=Count("activities"))
            .order_by("org__path", "name")
        )

    def filter(self, queryset, params):
        q = (params.get("q") or "").strip()[:50]
        if q:
            from django.db.models import Q

            queryset = queryset.filter(
                Q(name__icontains=q) | Q(address__icontains=q) | Q(org__name__icontains=q)
            )
        if params.get("setting"):
            queryset = queryset.filter(setting__code=params["setting"])
        if params.get("level") == "any":
            queryset = queryset.exclude(demo_level=DemoLevel.NONE)
        elif params.get("level") in DemoLevel.values:
            queryset = queryset.filter(demo_level=params["level"])
        return queryset

    def check_rows(self, rows, ctx):
        _units(rows, ctx)
        seen = set()
        existing = set(
            WomensHome.objects.filter(subtree_q(ctx.org.path, "org__path")).values_list("org_id", "name")
        )
        for row in rows:
            org = row.values["_org"]
            if org is None:
                continue
            key = (org.pk, row.values["name"])
            if key in existing or key in seen:
                row.errors.append(RowError(row.number, "名称", _("本单位已有同名的妇女之家。")))
            seen.add(key)

    def write(self, rows, ctx):
        def one(row):
            v = row.values
            services.create_home(
                ctx.actor,
                v["_org"],
                **{
                    k: v.get(k)
                    for k in (
                        "name",
                        "address",
                        "setting",
                        "founded_on",
                        "standard",
                        "demo_level",
                        "functions",
                        "keeper",
                        "keeper_phone",
                        "hours",
                    )
                },
            )

        return write_each(rows, one)


@register
class HomeActivityLedger(Ledger):
    """The activities held at the Homes; imported through ``services.add_activity``, each row naming
    its Home by unit and name (both looked up in bulk)."""

    name = "building_home_activities"
    title = "妇女之家活动"
    model = HomeActivity
    export_permission = EXPORT
    import_permission = EDIT
    columns = (
        _unit(example="新阳路街道/友谊社区", attr="home.org.name"),
        text_column(
            "home", "妇女之家", 100, attr="home.name", required=True, example="友谊社区妇女之家", width=20
        ),
        date_column("held_on", "日期", required=True, example="2014-05-10"),
        text_column(
            "theme", "活动主题", 200, required=True, aliases=("主题",), example="家庭教育讲座", width=30
        ),
        number_column("attendance", "参加妇女人数", parse=_count, example="25"),
        year_column(importable=False),
    )

    def queryset(self, user):
        return (
            HomeActivity.objects.visible_to(user)
            .select_related("home", "home__org")
            .order_by("home__org__path", "held_on", "id")
        )

    def filter(self, queryset, params):
        if str(params.get("year", "")).isdigit():
            queryset = queryset.filter(year=int(params["year"]))
        return queryset

    def check_rows(self, rows, ctx):
        _units(rows, ctx)
        orgs = {r.values["_org"].pk for r in rows if r.values.get("_org") is not None}
        homes = {
            (h.org_id, h.name): h
            for h in WomensHome.objects.editable_by(ctx.actor).filter(org_id__in=orgs).select_related("org")
        }
        for row in rows:
            org = row.values["_org"]
            if org is None or row.errors:
                continue
            home = homes.get((org.pk, row.values["home"]))
            row.values["_home"] = home
            if home is None:
                row.errors.append(
                    RowError(
                        row.number,
                        "妇女之家",
                        _("“%(o)s”没有名为“%(h)s”的妇女之家。")
                        % {
                            "o": org.name,
                            "h": row.values["home"],
                        },
                    )
                )
                continue
            try:
                services.homes.clean_activity(
                    home, row.values["held_on"], row.values["theme"], row.values["attendance"]
                )
            except ValidationError as exc:
                _field_errors(
                    row, exc, {"held_on": "日期", "theme": "活动主题", "attendance": "参加妇女人数"}
                )

    def write(self, rows, ctx):
        def one(row):
            v = row.values
            services.add_activity(
                ctx.actor, v["_home"], held_on=v["held_on"], theme=v["theme"], attendance=v["attendance"]
            )

        return write_each(rows, one)


# --- women's groups -------------------------------------------------------------------------------


@register
class GroupLedger(Ledger):
    name = "building_groups"
    title = "妇女小组"
    model = WomensGroup
    export_permission = EXPORT
    import_permission = EDIT
    columns = (
        _unit(example="红星村"),
        text_column("name", "名称", 100, required=True, example="王家屯妇女小组", width=20),
        choice_column("kind", "类型", GroupKind.choices, required=True, example="自然村(屯)"),
        text_column("place", "所在地点或组织方式", 100, example="王家屯", width=18),
        date_column("founded_on", "成立日期", example="2014-03-01"),
        Column(
            "leader",
            "组长档案编号",
            parse=parse_file_number,
            help="妇女档案中的档案编号；不填则以后在页面上选择",
            export=lambda g, c: g.leader.file_number if g.leader_id else "",
            width=14,
        ),
        Column(
            "leader_name",
            "组长",
            importable=False,
            export=lambda g, c: g.leader.masked_name if g.leader_id else "",
            width=10,
        ),
        Column(
            "members", "成员数", importable=False, export=lambda g, c: getattr(g, "member_count", ""), width=8
        ),
    )

    def queryset(self, user):
        from django.db.models import Count

        return (
            WomensGroup.objects.visible_to(user)
            .select_related("org", "leader")
            .annotate(member_count=Count("members"))
            .order_by("org__path", "name")
        )

    def filter(self, queryset, params):
        kind = params.get("kind") or ""
        if kind in GroupKind.values:
            queryset = queryset.filter(kind=kind)
        return queryset

    def check_rows(self, rows, ctx):
        from fuqing.registry.models import Woman

        _units(rows, ctx)
        numbers = {r.values.get("leader") for r in rows if r.values.get("leader")}
        women = {
            w.file_number: w
            for w in Woman.objects.visible_to(ctx.actor)
            .filter(file_number__in=numbers, status="active")
            .select_related("org")
        }
        existing = set(
            WomensGroup.objects.filter(subtree_q(ctx.org.path, "org__path")).values_list("org_id", "name")
        )
        seen = set()
        for row in rows:
            org = row.values["_org"]
            number = row.values.get("leader")
            row.values["_leader"] = None
            if number:
                woman = women.get(number)
                if woman is None or org is None or not woman.org.path.startswith(org.path):
                    row.errors.append(
                        RowError(row.number, "组长档案编号", _("在本单位的妇女档案中找不到该档案编号。"))
                    )
                row.values["_leader"] = woman
            if org is not None:
                key = (org.pk, row.values["name"])
                if key in existing or key in seen:
                    row.errors.append(RowError(row.number, "名称", _("本单位已有同名的妇女小组。")))
                seen.add(key)

    def write(self, rows, ctx):
        def one(row):
            v = row.values
            services.create_group(
                ctx.actor,
                v["_org"],
                name=v["name"],
                kind=v["kind"],
                place=v.get("place"),
                founded_on=v.get("founded_on"),
                leader=v["_leader"],
            )

        return write_each(rows, one)


# --- teams ----------------------------------------------------------------------------------------


@register
class TeamLedger(Ledger):
    """One row per member of a team; the rows of one unit and one election date are one election."""

    name = "building_teams"
    title = "妇联班子"
    model = TeamMember
    export_permission = EXPORT
    import_permission = EDIT
    columns = (
        _unit(example="新阳路街道", attr="election.org.name"),
        date_column("held_on", "换届日期", attr="election.held_on", required=True, example="2012-06-15"),
        number_column("term_years", "任期（年）", attr="election.term_years", example="5", width=8),
        choice_column("role", "职务", TeamRole.choices, required=True, example="主席"),
        text_column("name", "姓名", 50, required=True, example="张丽华", width=10),
        date_column("next_due", "下次换届应在", attr="election.next_due", importable=False),
        Column(
            "current",
            "现任",
            importable=False,
            export=lambda m, c: "是" if m.election.is_current else "否",
            width=6,
        ),
    )

    def queryset(self, user):
        return (
            TeamMember.objects.visible_to(user)
            .select_related("election", "election__org")
            .order_by("election__org__path", "-election__held_on", "role", "id")
        )

    def check_rows(self, rows, ctx):
        _units(rows, ctx)
        for row in rows:
            term = row.values.get("term_years")
            if term is not None and not 1 <= term <= 10:
                row.errors.append(RowError(row.number, "任期（年）", _("任期应为 1 至 10 年。")))
        recorded = set(
            Election.objects.filter(subtree_q(ctx.org.path, "org__path")).values_list("org_id", "held_on")
        )
        for row in rows:
            org = row.values["_org"]
            if org is not None and (org.pk, row.values["held_on"]) in recorded:
                row.errors.append(RowError(row.number, "换届日期", _("该日期的换届已经记录。")))

    def write(self, rows, ctx):
        """One election per unit and date, in date order; a refusal names the election's first row."""
        elections: dict[tuple, list[ParsedRow]] = defaultdict(list)
        for row in rows:
            elections[(row.values["_org"].pk, row.values["held_on"])].append(row)
        members_of = {members[0].number: members for members in elections.values()}

        def one(first):
            services.record_election(
                ctx.actor,
                first.values["_org"],
                held_on=first.values["held_on"],
                term=first.values.get("term_years"),
                members=[
                    {"role": r.values["role"], "name": r.values["name"]} for r in members_of[first.number]
                ],
            )

        firsts = sorted((m[0] for m in elections.values()), key=lambda r: r.values["held_on"])
        write_each(firsts, one)
        return len(rows)


# --- training attendance --------------------------------------------------------------------------


@register
class AttendanceLedger(Ledger):
    """The sign-in sheet: 姓名, 单位, 职务, 学时 — with the session's date and topic when imported from
    the ledger page (from a session's page, the session is known)."""

    name = "building_attendance"
    title = "培训签到"
    model = Attendance
    export_permission = EXPORT
    import_permission = EDIT
    columns = (
        date_column("held_on", "培训日期", attr="session.held_on", help="从培训班页面导入时可不填"),
        text_column(
            "topic",
            "培训主题",
            200,
            attr="session.topic",
            aliases=("主题",),
            help="从培训班页面导入时可不填",
            width=24,
        ),
        text_column("name", "姓名", 50, required=True, example="李秀珍", width=10),
        _unit(
            aliases=("所在单位", "工作单位", "所属单位"),
            example="道里区妇联",
            required=True,
            help="参训人员的单位。" + UNIT_RULE,
        ),
        text_column("position", "职务", 50, example="副主席", width=12),
        number_column("hours", "学时", parse=cells.decimal, help="不填则为本期培训的学时", width=8),
        choice_column("level", "层级", (), attr="session.level", importable=False, width=10),
    )

    def queryset(self, user):
        return (
            Attendance.objects.visible_to(user)
            .select_related("session", "org")
            .order_by("session__held_on", "session_id", "org__path", "name")
        )

    def filter(self, queryset, params):
        if str(params.get("year", "")).isdigit():
            queryset = queryset.filter(session__year=int(params["year"]))
        return queryset

    def check_rows(self, rows, ctx):
        _units(rows, ctx, edit=False, default=False)
        fixed = ctx.extra.get("session")
        sessions = {}
        if fixed is None:
            for s in TrainingSession.objects.visible_to(ctx.actor).select_related("org"):
                sessions.setdefault((s.held_on, s.topic), s)
        seen = set()
        for row in rows:
            session = fixed or sessions.get((row.values.get("held_on"), row.values.get("topic")))
            if session is None:
                row.errors.append(RowError(row.number, "培训主题", _("找不到该日期和主题的培训班。")))
            row.values["_session"] = session
            org = row.values["_org"]
            if session is None or org is None:
                continue
            try:
                services.training.clean_attendee(
                    session, org, row.values["name"], row.values.get("position"), row.values.get("hours")
                )
            except ValidationError as exc:
                _service_errors(row, exc, "单位")
                continue
            key = (session.pk, org.pk, row.values["name"])
            if key in seen:
                row.errors.append(RowError(row.number, "姓名", _("签到表中重复。")))
            seen.add(key)
        keys = {(r.values["_session"].pk, r.values["_org"].pk) for r in rows if not r.errors}
        if keys:
            existing = set(
                Attendance.objects.filter(session_id__in={k[0] for k in keys}).values_list(
                    "session_id", "org_id", "name"
                )
            )
            for row in rows:
                if (
                    not row.errors
                    and (row.values["_session"].pk, row.values["_org"].pk, row.values["name"]) in existing
                ):
                    row.errors.append(RowError(row.number, "姓名", _("该单位的这位人员已在本期签到。")))

    def write(self, rows, ctx):
        def one(row):
            v = row.values
            services.add_attendance(
                ctx.actor,
                v["_session"],
                org=v["_org"],
                name=v["name"],
                position=v.get("position"),
                hours=v.get("hours"),
            )

        return write_each(rows, one)


# --- conditions -----------------------------------------------------------------------------------


_CONDITION_FIELDS = {  # the service's field: the column's header
    "year": "年度",
    "funding": "工作经费（元）",
    "venue_area": "场所面积（平方米）",
    "full_time_staff": "专职工作人员",
    "part_time_staff": "兼职工作人员",
    "org": "单位",
}


@register
class ConditionLedger(Ledger):
    """Conditions of women's work per unit and year; a row for a unit and year already recorded
    replaces it, as saving the page's form does (``services.save_condition``)."""

    name = "building_conditions"
    title = "妇女工作条件"
    model = WorkCondition
    export_permission = EXPORT
    import_permission = EDIT
    columns = (
        year_column(),
        _unit(example="新阳路街道"),
        number_column("funding", "工作经费（元）", parse=_amount, example="20000", width=14),
        Column(
            "funding_in_budget",
            "列入财政预算",
            parse=cells.boolean,
            example="是",
            export=lambda w, c: "是" if w.funding_in_budget else "否",
            width=10,
        ),
        text_column("venue", "办公及活动场所", 200, width=20),
        number_column("venue_area", "场所面积（平方米）", parse=_count, example="60"),
        number_column("full_time_staff", "专职工作人员", parse=_count, example="1"),
        number_column("part_time_staff", "兼职工作人员", parse=_count, example="2"),
        Column("gaps", "尚未落实", importable=False, export=lambda w, c: "、".join(w.gaps()), width=20),
        text_column("note", "备注", 200, width=20),
    )

    def queryset(self, user):
        return WorkCondition.objects.visible_to(user).select_related("org").order_by("-year", "org__path")

    def filter(self, queryset, params):
        if str(params.get("year", "")).isdigit():
            queryset = queryset.filter(year=int(params["year"]))
        return queryset

    def check_rows(self, rows, ctx):
        _units(rows, ctx)
        seen = set()
        for row in rows:
            org = row.values["_org"]
            if org is None or row.errors:
                continue
            try:
                services.common.federation_unit(org, "org", "BLD-6")
                services.conditions.clean_condition(row.values)
            except ValidationError as exc:
                _field_errors(row, exc, _CONDITION_FIELDS)
                continue
            key = (org.pk, row.values["year"])
            if key in seen:
                row.errors.append(RowError(row.number, "年度", _("同一单位同一年度在本表中重复。")))
            seen.add(key)

    def write(self, rows, ctx):
        fields = ("year", "funding", "funding_in_budget", "venue", "venue_area", "full_time_staff")
        fields += ("part_time_staff", "note")

        def one(row):
            services.save_condition(ctx.actor, row.values["_org"], **{k: row.values.get(k) for k in fields})

        return write_each(rows, one)


# --- training sessions and the handbook library (export only) ----------------------------------------


@register
class SessionLedger(Ledger):
    """The three-level training sessions with their attendance counts (BLD-4); printed, not imported
    (sessions are planned on the page; their attendance imports from the sign-in sheet)."""

    name = "building_sessions"
    title = "三级培训"
    model = TrainingSession
    export_permission = EXPORT
    personal = False  # no woman's data: the unit, the topic, the trainer and counts
    columns = (
        year_column(importable=False),
        date_column("held_on", "日期"),
        _unit("主办单位", importable=False),
        choice_column("level", "培训对象层级", TrainingLevel.choices, importable=False, width=12),
        text_column("topic", "主题", width=24),
        text_column("place", "地点", width=16),
        number_column("hours", "学时", importable=False, width=8),
        text_column("trainer", "授课人", width=12),
        number_column("attendees", "参训人数", importable=False, width=8),
        number_column("units", "参训单位数", importable=False, width=10),
        number_column("total_hours", "参训总学时", importable=False, width=10),
    )

    def queryset(self, user):
        from django.db.models import Count, Sum

        attendance = Attendance.objects.visible_to(user)  # her scope: another district's cadres not counted
        seen = Q(attendances__in=attendance.values("pk"))
        return (
            TrainingSession.objects.visible_to(user)
            .select_related("org")
            .annotate(
                attendees=Count("attendances", filter=seen),
                units=Count("attendances__org", filter=seen, distinct=True),
                total_hours=Sum("attendances__hours", filter=seen),
            )
            .order_by("-held_on", "org__path", "id")
        )

    def filter(self, queryset, params):
        if str(params.get("year", "")).isdigit():
            queryset = queryset.filter(year=int(params["year"]))
        if params.get("level") in TrainingLevel.values:
            queryset = queryset.filter(level=params["level"])
        return queryset


def _current(book):
    versions = getattr(book, "current_versions", None)
    return versions[0] if versions else None


@register
class HandbookLedger(Ledger):
    """The handbook library (BLD-4): each document, its current version and what changed, how many
    versions are kept, and the downloads of the units in the exporter's scope."""

    name = "building_handbooks"
    title = "妇女工作手册"
    model = Handbook
    export_permission = EXPORT
    personal = False  # documents and counts
    columns = (
        _unit("发布单位", importable=False),
        text_column("title", "名称", width=24),
        Column("levels", "适用层级", export=lambda b, c: "、".join(b.level_labels()), width=20),
        Column(
            "current",
            "现行版本",
            export=lambda b, c: _("第 %(n)s 版") % {"n": _current(b).number} if _current(b) else "",
            width=10,
        ),
        Column(
            "changes",
            "本版修改内容",
            export=lambda b, c: _current(b).changes if _current(b) else "",
            width=30,
        ),
        Column(
            "uploaded_on",
            "本版上传日期",
            export=lambda b, c: timezone.localdate(_current(b).uploaded_at) if _current(b) else "",
            width=12,
        ),
        number_column("version_count", "版本数", importable=False, width=8),
        number_column("download_count", "下载次数", importable=False, width=8),
        number_column("download_units", "下载单位数", importable=False, width=10),
    )

    def queryset(self, user):
        from django.db.models import Count, Prefetch

        downloads = HandbookDownload.objects.visible_to(user)
        seen = Q(versions__downloads__in=downloads.values("pk"))
        return (
            Handbook.objects.visible_to(user)
            .select_related("org")
            .annotate(
                version_count=Count("versions", distinct=True),
                download_count=Count("versions__downloads", filter=seen, distinct=True),
                download_units=Count("versions__downloads__org", filter=seen, distinct=True),
            )
            .prefetch_related(
                Prefetch(
                    "versions",
                    queryset=HandbookVersion.objects.order_by("handbook_id", "-number")[:1],
                    to_attr="current_versions",
                )
            )
            .order_by("org__path", "title")
        )


@register
class HandbookDownloadLedger(Ledger):
    """Downloads of the handbook per unit (BLD-4): which unit downloaded which version when, and the
    cadre by her name."""

    name = "building_handbook_downloads"
    title = "手册下载"
    model = HandbookDownload
    export_permission = EXPORT
    personal = False  # cadres by name, no woman's data
    columns = (
        _unit("下载单位", importable=False),
        text_column("handbook", "手册", attr="version.handbook.title", width=24),
        Column("version", "版本", export=lambda d, c: _("第 %(n)s 版") % {"n": d.version.number}, width=8),
        person_column("user", "下载人", attr="user", importable=False),
        Column("at", "下载日期", export=lambda d, c: timezone.localdate(d.at), width=12),
    )

    def queryset(self, user):
        return (
            HandbookDownload.objects.visible_to(user)
            .select_related("org", "version", "version__handbook", "user")
            .order_by("org__path", "version__handbook__title", "-at")
        )
