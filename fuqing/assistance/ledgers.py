"""The needs, pairings and actions registers as ledgers (RPT-2, RPT-3): exports masked (REG-3), imports
checked row by row with the same rules as the services, written through the services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from fuqing.assistance import pairings, services
from fuqing.assistance.filters import ActionFilter, NeedFilter, PairingFilter
from fuqing.assistance.models import (
    Action,
    ActionService,
    Need,
    NeedCategory,
    NeedSource,
    Pairing,
    PairingHelper,
    PairingKind,
    Urgency,
)
from fuqing.core import cells
from fuqing.core.ledger import (
    Column,
    ImportContext,
    Ledger,
    ParsedRow,
    People,
    RecordNumbers,
    RowError,
    UnitResolver,
    collect,
    date_column,
    parse_names,
    people_column,
    person_column,
    person_name,
    record_number_column,
    reference_column,
    register,
    unit_column,
    woman_columns,
)
from fuqing.core.masking import mask_name
from fuqing.core.scoping import subtree_q
from fuqing.registry.privacy import consent_states


def _text(limit: int):
    return lambda v: cells.text(v, limit)


def _choice(choices, aliases=None):
    def parse(value):
        raw = cells.text(value)
        if aliases and raw in aliases:
            return aliases[raw]
        return cells.choice(raw, choices)

    return parse


class Lookups:
    """What an import resolves, in bulk before the rows are checked (one query per column, whatever
    the number of rows): units by the kit's one rule, women by 档案编号 or by name, cadres by name."""

    def __init__(self, rows: list[ParsedRow], ctx: ImportContext, unit_header: str):
        from fuqing.orgs.models import User
        from fuqing.registry.models import Woman

        actor = ctx.actor
        self.ctx = ctx
        self.units = UnitResolver(ctx.org, actor, column=unit_header)
        women = Woman.objects.visible_to(actor).active().select_related("org")
        numbers = collect(rows, "woman_number")
        files = {n for n in numbers if n.startswith("F")}
        uuids = numbers - files
        self.women_by_number = (
            {w.file_number: w for w in women.filter(file_number__in=files)} if files else {}
        )
        if uuids:
            self.women_by_number.update({str(w.pk): w for w in women.filter(pk__in=uuids)})
        names = {
            r.values.get("woman_name")
            for r in rows
            if r.values.get("woman_name") and not r.values.get("woman_number")
        }
        self.women_by_name: dict[str, list] = {}
        if names:
            for woman in women.filter(subtree_q(ctx.org.path, "org__path"), name__in=names):
                self.women_by_name.setdefault(woman.name, []).append(woman)
        self.users = User.objects.visible_to(actor).filter(is_active=True)
        categories = NeedCategory.objects.filter(is_active=True)
        self.categories = {}
        for category in categories:
            self.categories[category.name] = self.categories[category.code] = category

    def people(self, rows, key: str, column: str) -> People:
        return People(self.users, collect(rows, key), column)

    def check_woman(self, row: ParsedRow, org):
        """The woman a row names (None for a group's need), or False with the error added."""
        woman, message = self.woman(row.values.get("woman_number", ""), row.values.get("woman_name", ""), org)
        if message:
            row.errors.append(RowError(row.number, "妇女姓名", message))
            return False
        return woman

    def woman(self, number: str, name: str, org):
        if number:
            woman = self.women_by_number.get(number)
            if woman is None:
                return None, _("您的范围内没有这个档案编号的在册妇女。")
            if name and woman.name != name and mask_name(woman.name) != name:
                return None, _("档案编号与姓名不一致。")
            return woman, ""
        if not name:
            return None, ""
        matches = [
            w for w in self.women_by_name.get(name, []) if w.org.path.startswith((org or self.ctx.org).path)
        ]
        if not matches:
            # masked: the message is kept in the job's result, which holds no personal data (REG-3)
            return None, _("在所属单位范围内找不到名为“%(n)s”的在册妇女，请先在妇女档案中登记。") % {
                "n": mask_name(name)
            }
        if len(matches) > 1:
            return None, _("有多名同名妇女，请填写档案编号。")
        return matches[0], ""


def _apply_errors(row: ParsedRow, exc: ValidationError, headers: dict) -> None:
    for field, messages in exc.message_dict.items():
        for message in messages:
            row.errors.append(RowError(row.number, headers.get(field, field), message))


# --- needs ----------------------------------------------------------------------------------------

NEED_HEADERS = {
    "org": "所属单位",
    "woman": "妇女姓名",
    "group_description": "群体",
    "group_size": "人数",
    "category": "类别",
    "source": "来源",
    "urgency": "紧急程度",
    "description": "诉求描述",
    "reported_on": "反映日期",
    "review_on": "复查日期",
    "handler": "承办人",
}
SOURCE_ALIASES = {
    "入户走访": NeedSource.VISIT,
    "问卷调查": NeedSource.QUESTIONNAIRE,
    "座谈": NeedSource.FORUM,
    "座谈交流": NeedSource.FORUM,
    "电话": NeedSource.HOTLINE,
    "12338": NeedSource.HOTLINE,
    "信访": NeedSource.LETTER,
}


@register
class NeedLedger(Ledger):
    name = "needs"
    title = "诉求台账"
    model = Need
    export_permission = ("assistance", "export")
    import_permission = ("assistance", "edit")
    columns = (
        record_number_column("诉求编号"),
        unit_column("org", "所属单位", example="友谊社区"),
        *woman_columns("woman"),
        Column(
            "group_description",
            "群体",
            parse=_text(200),
            help="群体诉求（座谈会等）：反映诉求的是哪些人",
            example="新阳路街道失业妇女",
            export=lambda n, c: n.group_description,
            width=24,
        ),
        Column(
            "group_size",
            "人数",
            parse=cells.integer,
            help="群体人数",
            example="12",
            export=lambda n, c: n.group_size,
            width=8,
        ),
        Column(
            "category",
            "类别",
            required=True,
            parse=_text(50),
            aliases=("诉求类别",),
            help="就业、收入、住房、健康、权益维护、子女教育、养老、婚姻家庭、创业贷款、其他",
            example="就业",
            export=lambda n, c: n.category.name if n.category else "",
            width=12,
        ),
        Column(
            "source",
            "来源",
            required=True,
            parse=_choice(NeedSource.choices, SOURCE_ALIASES),
            help="走访、问卷、座谈会、热线、来信",
            example="走访",
            export=lambda n, c: n.get_source_display(),
            width=10,
        ),
        Column(
            "urgency",
            "紧急程度",
            parse=_choice(Urgency.choices),
            help="一般、紧急、特急；不填为一般",
            example="一般",
            export=lambda n, c: n.get_urgency_display(),
            width=10,
        ),
        Column(
            "description",
            "诉求描述",
            required=True,
            parse=_text(2000),
            aliases=("诉求内容", "问题描述"),
            example="希望提供灵活就业岗位",
            export=lambda n, c: n.description,
            width=50,
        ),
        date_column("reported_on", "反映日期", required=True, aliases=("日期",), example="2014-04-15"),
        date_column("review_on", "复查日期", example="2014-05-15"),
        person_column("handler", "承办人", attr="handler"),
        Column("status", "状态", export=lambda n, c: n.get_status_display(), importable=False, width=10),
        Column("closed_on", "办结日期", export=lambda n, c: n.closed_on, importable=False, width=12),
        Column("outcome_note", "办结说明", export=lambda n, c: n.outcome_note, importable=False, width=40),
    )

    def queryset(self, user):
        return (
            Need.objects.visible_to(user)
            .select_related("org", "woman", "category", "handler")
            .order_by("org__path", "-reported_on")
        )

    def filter(self, queryset, params):
        return NeedFilter(params).apply(queryset)  # the list page's own filters

    def filter_for(self, user, queryset, params):
        return NeedFilter(params, user).apply(queryset)

    def check_rows(self, rows, ctx):
        look = Lookups(rows, ctx, "所属单位")
        handlers = look.people(rows, "handler", "承办人")
        for row in rows:
            if row.errors:
                continue
            v = row.values
            org = look.units.check(row, "org")
            if org is None:
                continue
            woman = look.check_woman(row, org)
            if woman is False:
                continue
            handler = handlers.check(row, "handler")
            if row.errors:
                continue
            category = look.categories.get(v["category"])
            if category is None:
                row.errors.append(
                    RowError(row.number, "类别", _("没有名为“%(c)s”的诉求类别。") % {"c": v["category"]})
                )
                continue
            data = {
                "woman": woman,
                "group_description": v.get("group_description", ""),
                "group_size": v.get("group_size"),
                "category": category,
                "source": v["source"],
                "urgency": v.get("urgency") or Urgency.NORMAL,
                "description": v["description"],
                "reported_on": v["reported_on"],
                "review_on": v.get("review_on"),
                "handler": handler,
            }
            try:
                services.clean_need(ctx.actor, dict(data), org=org, picked=True)
            except ValidationError as exc:
                _apply_errors(row, exc, NEED_HEADERS)
                continue
            v["_data"], v["_org"] = data, org

    def write_row(self, row, ctx):
        services.create_need(ctx.actor, org=row.values["_org"], **row.values["_data"])


# --- pairings -------------------------------------------------------------------------------------

PAIRING_HEADERS = {
    "kind": "形式",
    "woman": "妇女姓名",
    "household": "帮扶家庭",
    "helpers": "帮扶干部",
    "starts_on": "结对日期",
    "review_on": "复查日期",
}


def _helpers(pairing, ctx) -> tuple[str, str]:
    helpers = list(pairing.helpers.all())
    return (
        "、".join(person_name(h.user) for h in helpers if h.user_id),
        "、".join(h.helper_org.name for h in helpers if h.helper_org_id),
    )


@register
class PairingLedger(Ledger):
    name = "pairings"
    title = "结对帮扶台账"
    model = Pairing
    export_permission = ("assistance", "export")
    import_permission = ("assistance", "edit")
    columns = (
        record_number_column("结对编号"),
        unit_column("org", "负责单位", example="友谊社区"),
        Column(
            "kind",
            "形式",
            required=True,
            parse=_choice(PairingKind.choices),
            help="一帮一、多帮一",
            example="一帮一",
            export=lambda p, c: p.get_kind_display(),
            width=10,
        ),
        *woman_columns("woman", name_aliases=("帮扶对象", "姓名")),
        Column(
            "household",
            "帮扶家庭",
            parse=_text(100),
            example="张家（三口之家）",
            export=lambda p, c: p.household,
            width=20,
        ),
        people_column(
            "helper_users", "帮扶干部", export=lambda p, c: _helpers(p, c)[0], example="刘春梅、赵桂兰"
        ),
        Column(
            "helper_orgs",
            "帮扶单位",
            parse=parse_names,
            help="单位名称（或区划代码、“上级/名称”），多个用顿号分隔",
            example="道里区妇联",
            export=lambda p, c: _helpers(p, c)[1],
            width=24,
        ),
        date_column("starts_on", "结对日期", required=True, example="2014-04-20"),
        date_column("review_on", "复查日期", example="2014-10-20"),
        Column("status", "状态", export=lambda p, c: p.get_status_display(), importable=False, width=10),
        Column("notes", "备注", parse=_text(2000), export=lambda p, c: p.notes, width=40),
    )

    def queryset(self, user):
        helpers = Prefetch("helpers", queryset=PairingHelper.objects.select_related("user", "helper_org"))
        return (
            Pairing.objects.visible_to(user)
            .select_related("org", "woman")
            .prefetch_related(helpers)
            .order_by("org__path", "-starts_on")
        )

    def filter(self, queryset, params):
        return self.filter_for(None, queryset, params)

    def filter_for(self, user, queryset, params):
        return PairingFilter(params, user).apply(queryset)  # the list page's own filters

    def check_rows(self, rows, ctx):
        look = Lookups(rows, ctx, "负责单位")
        helpers = look.people(rows, "helper_users", "帮扶干部")
        helper_units = UnitResolver.named(ctx, "帮扶单位")
        for row in rows:
            if row.errors:
                continue
            v = row.values
            org = look.units.check(row, "org")
            if org is None:
                continue
            woman = look.check_woman(row, org)
            if woman is False:
                continue
            users = []
            for name in v.get("helper_users") or []:
                user, message = helpers.resolve(name)
                if message:
                    row.errors.append(RowError(row.number, "帮扶干部", message))
                users.append(user)
            helper_orgs = []
            for name in v.get("helper_orgs") or []:
                unit, message = helper_units.resolve(name)
                if message:
                    row.errors.append(RowError(row.number, "帮扶单位", message))
                helper_orgs.append(unit)
            if row.errors:
                continue
            data = {
                "kind": v["kind"],
                "woman": woman,
                "household": v.get("household", ""),
                "starts_on": v["starts_on"],
                "review_on": v.get("review_on"),
            }
            try:
                pairings.clean_pairing(ctx.actor, dict(data), users, helper_orgs, org=org, picked=True)
            except ValidationError as exc:
                _apply_errors(row, exc, PAIRING_HEADERS)
                continue
            data.update(helper_users=users, helper_orgs=helper_orgs, notes=v.get("notes", ""))
            v["_data"], v["_org"] = data, org

    def write_row(self, row, ctx):
        pairings.create_pairing(ctx.actor, org=row.values["_org"], **row.values["_data"])


# --- actions --------------------------------------------------------------------------------------

ACTION_HEADERS = {
    "service": "服务类型",
    "given_on": "日期",
    "need": "诉求编号",
    "woman": "妇女姓名",
    "given_by": "提供人",
    "given_by_org": "提供单位",
    "amount": "金额（元）",
    "consent_exception": "同意例外原因",
}


@register
class ActionLedger(Ledger):
    name = "actions"
    title = "帮扶措施台账"
    model = Action
    export_permission = ("assistance", "export")
    import_permission = ("assistance", "edit")
    columns = (
        record_number_column("措施编号"),
        unit_column("org", "所属单位", help="不填则随诉求或为导入时所选单位"),
        reference_column("need_id", "诉求编号", "need_id", help="诉求台账上的诉求编号（与妇女二选一）"),
        *woman_columns("woman"),
        Column(
            "service",
            "服务类型",
            required=True,
            parse=_choice(ActionService.choices),
            help="政策、信息、资金、项目、法律援助、健康援助、就业推荐、技能培训",
            example="资金",
            export=lambda a, c: a.get_service_display(),
            width=12,
        ),
        Column(
            "amount",
            "金额（元）",
            parse=cells.decimal,
            aliases=("金额", "资金"),
            help="资金帮扶必填，单位：元",
            example="2000",
            export=lambda a, c: a.amount,
            width=12,
        ),
        Column(
            "project_name",
            "项目名称",
            parse=_text(100),
            aliases=("项目",),
            example="贫困母亲救助",
            export=lambda a, c: a.project_name,
            width=20,
        ),
        person_column(
            "given_by", "提供人", attr="given_by", help="干部姓名（与提供单位至少填一项）；同名时填写用户名"
        ),
        unit_column(
            "given_by_org",
            "提供单位",
            attr="given_by_org.name",
            aliases=(),
            help="单位名称、区划代码或“上级/名称”",
        ),
        date_column("given_on", "日期", required=True, example="2014-05-06"),
        Column("notes", "备注", parse=_text(2000), export=lambda a, c: a.notes, width=40),
        Column(
            "consent_exception",
            "同意例外原因",
            parse=_text(200),
            help="资金、健康帮扶而她尚未同意相应用途时填写（SEC-9），须妇女档案审核权限",
            width=20,
        ),
    )

    def queryset(self, user):
        return (
            Action.objects.visible_to(user)
            .select_related("org", "woman", "given_by", "given_by_org")
            .order_by("org__path", "-given_on")
        )

    def filter(self, queryset, params):
        return self.filter_for(None, queryset, params)

    def filter_for(self, user, queryset, params):
        return ActionFilter(params, user).apply(queryset)  # the list page's own filters

    def check_rows(self, rows, ctx):
        look = Lookups(rows, ctx, "所属单位")
        givers = look.people(rows, "given_by", "提供人")
        giving_units = UnitResolver.named(ctx, "提供单位")
        needs = RecordNumbers(
            Need.objects.editable_by(ctx.actor).select_related("woman", "org"), collect(rows, "need_id")
        )
        checked = []
        for row in rows:
            if row.errors:
                continue
            v = row.values
            need = None
            if v.get("need_id"):
                need, message = needs.get(v["need_id"])
                if need is None:
                    row.errors.append(RowError(row.number, "诉求编号", message))
                    continue
            org = need.org if need and not v.get("org") else look.units.check(row, "org")
            if org is None:
                continue
            woman = look.check_woman(row, org)
            if woman is False:
                continue
            given_by = givers.check(row, "given_by")
            given_by_org = giving_units.check(row, "given_by_org") if v.get("given_by_org") else None
            if row.errors:
                continue
            data = {
                "service": v["service"],
                "given_on": v["given_on"],
                "need": need,
                "pairing": None,
                "woman": woman,
                "given_by": given_by,
                "given_by_org": given_by_org,
                "amount": v.get("amount"),
                "project_name": v.get("project_name", ""),
                "notes": v.get("notes", ""),
            }
            try:
                cleaned = pairings.clean_action(ctx.actor, dict(data), picked=True)
            except ValidationError as exc:
                _apply_errors(row, exc, ACTION_HEADERS)
                continue
            checked.append((row, data, cleaned, org))
        # SEC-9: her consent, or a permitted user's documented exception (recorded on write); every
        # woman's consents to each purpose read in one query
        states = {}
        for row, data, cleaned, org in checked:
            purpose = pairings.action_purpose(cleaned["service"])
            if purpose and purpose not in states:
                ids = {c["woman"].pk for _r, _d, c, _o in checked if c["woman"] is not None}
                states[purpose] = consent_states(ids, purpose)
            try:
                pairings.check_action_consent(
                    ctx.actor, cleaned, row.values.get("consent_exception", ""), states=states.get(purpose)
                )
            except ValidationError as exc:
                _apply_errors(row, exc, ACTION_HEADERS)
                continue
            data["consent_exception"] = row.values.get("consent_exception", "")
            row.values["_data"], row.values["_org"] = data, org

    def write_row(self, row, ctx):
        pairings.record_action(ctx.actor, org=row.values["_org"], **row.values["_data"])


# registered beside the three editable registers: the suggestions ledger (export only)
from fuqing.assistance import ledger_suggestions  # noqa: E402, F401
