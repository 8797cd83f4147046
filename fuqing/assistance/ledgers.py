"""The needs, pairings and actions registers as ledgers (RPT-2, RPT-3): exports masked (REG-3), imports
checked row by row with the same rules as the services, written through the services."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from fuqing.assistance import pairings, services
from fuqing.assistance.filters import NeedFilter
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
from fuqing.core.cells import CellError
from fuqing.core.ledger import Column, ImportContext, Ledger, ParsedRow, RowError, register
from fuqing.core.masking import mask_name
from fuqing.core.scoping import subtree_q


def _woman_name(woman, ctx) -> str:
    if woman is None:
        return ""
    return woman.name if ctx.unmasked else mask_name(woman.name)


def _text(limit: int):
    return lambda v: cells.text(v, limit)


def _choice(choices, aliases=None):
    def parse(value):
        raw = cells.text(value)
        if aliases and raw in aliases:
            return aliases[raw]
        return cells.choice(raw, choices)

    return parse


def _uuid(value) -> str:
    raw = cells.compact(value)
    if not raw:
        return ""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise CellError(_("编号格式不正确（应为从平台导出的编号）。")) from None


def _names(value) -> list[str]:
    raw = cells.text(value)
    for sep in ("，", ",", "；", ";", " "):
        raw = raw.replace(sep, "、")
    return [n for n in raw.split("、") if n]


class Lookups:
    """What an import resolves in bulk: units under the target, women, users and categories."""

    def __init__(self, ctx: ImportContext):
        from fuqing.orgs.models import Org, User
        from fuqing.registry.models import Woman

        actor = ctx.actor
        orgs = list(Org.objects.editable_by(actor).filter(subtree_q(ctx.org.path), is_active=True))
        self.orgs_by_name: dict[str, list] = {}
        self.orgs_by_code = {}
        for o in orgs:
            self.orgs_by_name.setdefault(o.name, []).append(o)
            if o.division_code:
                self.orgs_by_code[o.division_code] = o
        self.ctx = ctx
        self.women = Woman.objects.visible_to(actor).active()
        self.users = User.objects.visible_to(actor).filter(is_active=True)
        self.categories = {c.name: c for c in NeedCategory.objects.filter(is_active=True)}
        self.categories.update({c.code: c for c in NeedCategory.objects.filter(is_active=True)})
        self._women_by_name: dict | None = None

    def org(self, value: str):
        if not value:
            return self.ctx.org, ""
        if value in self.orgs_by_code:
            return self.orgs_by_code[value], ""
        found = self.orgs_by_name.get(value, [])
        if len(found) == 1:
            return found[0], ""
        if not found:
            return None, _("在“%(o)s”之下找不到可编辑的单位“%(v)s”。") % {"o": self.ctx.org.name, "v": value}
        return None, _("名为“%(v)s”的单位不止一个，请改填行政区划代码。") % {"v": value}

    def woman(self, woman_id: str, name: str, org):
        if woman_id:
            woman = self.women.filter(pk=woman_id).first()
            if woman is None:
                return None, _("您的范围内没有这个编号的在册妇女。")
            if name and woman.name != name:
                return None, _("编号与姓名不一致。")
            return woman, ""
        if not name:
            return None, ""
        matches = list(self.women.filter(subtree_q((org or self.ctx.org).path, "org__path"), name=name)[:2])
        if not matches:
            # masked: the message is kept in the job's result, which holds no personal data (REG-3)
            return None, _("在所属单位范围内找不到名为“%(n)s”的在册妇女，请先在妇女档案中登记。") % {
                "n": mask_name(name)
            }
        if len(matches) > 1:
            return None, _("有多名同名妇女，请填写妇女编号。")
        return matches[0], ""

    def user(self, value: str):
        if not value:
            return None, ""
        found = list(self.users.filter(username=value)[:1]) or list(self.users.filter(name=value)[:2])
        if len(found) == 1:
            return found[0], ""
        if not found:
            return None, _("您的范围内找不到干部“%(v)s”（填写用户名或姓名）。") % {"v": value}
        return None, _("有多名干部叫“%(v)s”，请改填用户名。") % {"v": value}


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
        Column("id", "诉求编号", export=lambda n, c: str(n.pk), importable=False, width=38),
        Column(
            "org",
            "所属单位",
            parse=_text(100),
            aliases=("单位",),
            help="单位名称或行政区划代码；不填则为导入时所选单位",
            example="友谊社区",
            export=lambda n, c: n.org.name,
            width=20,
        ),
        Column(
            "woman_id",
            "妇女编号",
            parse=_uuid,
            help="妇女档案导出的编号（与姓名二选一）",
            export=lambda n, c: str(n.woman_id or ""),
            width=38,
        ),
        Column(
            "woman_name",
            "妇女姓名",
            parse=_text(50),
            aliases=("姓名",),
            help="在册妇女的姓名，在所属单位范围内唯一时可不填编号",
            example="张秀英",
            export=lambda n, c: _woman_name(n.woman, c),
            width=12,
        ),
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
        Column(
            "reported_on",
            "反映日期",
            required=True,
            parse=cells.date,
            aliases=("日期",),
            example="2014-04-15",
            export=lambda n, c: n.reported_on,
            width=12,
        ),
        Column(
            "review_on",
            "复查日期",
            parse=cells.date,
            example="2014-05-15",
            export=lambda n, c: n.review_on,
            width=12,
        ),
        Column(
            "handler",
            "承办人",
            parse=_text(150),
            help="干部的用户名或姓名",
            export=lambda n, c: str(n.handler or ""),
            width=12,
        ),
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

    def check_rows(self, rows, ctx):
        look = Lookups(ctx)
        for row in rows:
            if row.errors:
                continue
            v = row.values
            org, message = look.org(v.get("org", ""))
            if org is None:
                row.errors.append(RowError(row.number, "所属单位", message))
                continue
            woman, message = look.woman(v.get("woman_id", ""), v.get("woman_name", ""), org)
            if message:
                row.errors.append(RowError(row.number, "妇女姓名", message))
                continue
            handler, message = look.user(v.get("handler", ""))
            if message:
                row.errors.append(RowError(row.number, "承办人", message))
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
                services._clean_need(ctx.actor, dict(data), org=org)
            except ValidationError as exc:
                _apply_errors(row, exc, NEED_HEADERS)
                continue
            v["_data"], v["_org"] = data, org

    def write(self, rows, ctx):
        for index, row in enumerate(rows, start=1):
            services.create_need(ctx.actor, org=row.values["_org"], **row.values["_data"])
            if ctx.progress:
                ctx.progress(index, len(rows))
        return len(rows)


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
        "、".join(h.user.username for h in helpers if h.user_id),
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
        Column("id", "结对编号", export=lambda p, c: str(p.pk), importable=False, width=38),
        Column(
            "org",
            "负责单位",
            parse=_text(100),
            aliases=("单位",),
            help="单位名称或行政区划代码；不填则为导入时所选单位",
            example="友谊社区",
            export=lambda p, c: p.org.name,
            width=20,
        ),
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
        Column(
            "woman_id",
            "妇女编号",
            parse=_uuid,
            help="妇女档案导出的编号（与姓名二选一）",
            export=lambda p, c: str(p.woman_id or ""),
            width=38,
        ),
        Column(
            "woman_name",
            "妇女姓名",
            parse=_text(50),
            aliases=("帮扶对象",),
            example="张秀英",
            export=lambda p, c: _woman_name(p.woman, c),
            width=12,
        ),
        Column(
            "household",
            "帮扶家庭",
            parse=_text(100),
            example="张家（三口之家）",
            export=lambda p, c: p.household,
            width=20,
        ),
        Column(
            "helper_users",
            "帮扶干部",
            parse=_names,
            help="干部用户名或姓名，多人用顿号分隔",
            example="liuchunmei、zhaoguilan",
            export=lambda p, c: _helpers(p, c)[0],
            width=24,
        ),
        Column(
            "helper_orgs",
            "帮扶单位",
            parse=_names,
            help="单位名称，多个用顿号分隔",
            example="道里区妇联",
            export=lambda p, c: _helpers(p, c)[1],
            width=24,
        ),
        Column(
            "starts_on",
            "结对日期",
            required=True,
            parse=cells.date,
            example="2014-04-20",
            export=lambda p, c: p.starts_on,
            width=12,
        ),
        Column(
            "review_on",
            "复查日期",
            parse=cells.date,
            example="2014-10-20",
            export=lambda p, c: p.review_on,
            width=12,
        ),
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

    def check_rows(self, rows, ctx):
        from fuqing.orgs.models import Org

        look = Lookups(ctx)
        visible_orgs = Org.objects.visible_to(ctx.actor).filter(is_active=True)
        for row in rows:
            if row.errors:
                continue
            v = row.values
            org, message = look.org(v.get("org", ""))
            if org is None:
                row.errors.append(RowError(row.number, "负责单位", message))
                continue
            woman, message = look.woman(v.get("woman_id", ""), v.get("woman_name", ""), org)
            if message:
                row.errors.append(RowError(row.number, "妇女姓名", message))
                continue
            users = []
            for name in v.get("helper_users") or []:
                user, message = look.user(name)
                if message:
                    row.errors.append(RowError(row.number, "帮扶干部", message))
                users.append(user)
            helper_orgs = []
            for name in v.get("helper_orgs") or []:
                found = list(visible_orgs.filter(name=name)[:2])
                if len(found) != 1:
                    row.errors.append(
                        RowError(row.number, "帮扶单位", _("找不到唯一的单位“%(n)s”。") % {"n": name})
                    )
                helper_orgs.extend(found[:1])
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
                pairings._clean_pairing(ctx.actor, dict(data), users, helper_orgs, org=org)
            except ValidationError as exc:
                _apply_errors(row, exc, PAIRING_HEADERS)
                continue
            data.update(helper_users=users, helper_orgs=helper_orgs, notes=v.get("notes", ""))
            v["_data"], v["_org"] = data, org

    def write(self, rows, ctx):
        for index, row in enumerate(rows, start=1):
            pairings.create_pairing(ctx.actor, org=row.values["_org"], **row.values["_data"])
            if ctx.progress:
                ctx.progress(index, len(rows))
        return len(rows)


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
        Column("id", "措施编号", export=lambda a, c: str(a.pk), importable=False, width=38),
        Column(
            "org",
            "所属单位",
            parse=_text(100),
            aliases=("单位",),
            help="不填则随诉求或为导入时所选单位",
            export=lambda a, c: a.org.name,
            width=20,
        ),
        Column(
            "need_id",
            "诉求编号",
            parse=_uuid,
            help="诉求台账导出的编号（与妇女二选一）",
            export=lambda a, c: str(a.need_id or ""),
            width=38,
        ),
        Column("woman_id", "妇女编号", parse=_uuid, export=lambda a, c: str(a.woman_id or ""), width=38),
        Column(
            "woman_name",
            "妇女姓名",
            parse=_text(50),
            example="张秀英",
            export=lambda a, c: _woman_name(a.woman, c),
            width=12,
        ),
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
        Column(
            "given_by",
            "提供人",
            parse=_text(150),
            help="干部的用户名或姓名（与提供单位至少填一项）",
            export=lambda a, c: str(a.given_by or ""),
            width=12,
        ),
        Column(
            "given_by_org",
            "提供单位",
            parse=_text(100),
            export=lambda a, c: str(a.given_by_org or ""),
            width=20,
        ),
        Column(
            "given_on",
            "日期",
            required=True,
            parse=cells.date,
            example="2014-05-06",
            export=lambda a, c: a.given_on,
            width=12,
        ),
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

    def check_rows(self, rows, ctx):
        from fuqing.orgs.models import Org

        look = Lookups(ctx)
        needs = Need.objects.editable_by(ctx.actor).select_related("woman", "org")
        visible_orgs = Org.objects.visible_to(ctx.actor).filter(is_active=True)
        for row in rows:
            if row.errors:
                continue
            v = row.values
            need = None
            if v.get("need_id"):
                need = needs.filter(pk=v["need_id"]).first()
                if need is None:
                    row.errors.append(
                        RowError(row.number, "诉求编号", _("您可编辑的范围内没有这个编号的诉求。"))
                    )
                    continue
            org, message = (need.org, "") if need and not v.get("org") else look.org(v.get("org", ""))
            if org is None:
                row.errors.append(RowError(row.number, "所属单位", message))
                continue
            woman, message = look.woman(v.get("woman_id", ""), v.get("woman_name", ""), org)
            if message:
                row.errors.append(RowError(row.number, "妇女姓名", message))
                continue
            given_by, message = look.user(v.get("given_by", ""))
            if message:
                row.errors.append(RowError(row.number, "提供人", message))
                continue
            given_by_org = None
            if v.get("given_by_org"):
                found = list(visible_orgs.filter(name=v["given_by_org"])[:2])
                if len(found) != 1:
                    row.errors.append(
                        RowError(
                            row.number, "提供单位", _("找不到唯一的单位“%(n)s”。") % {"n": v["given_by_org"]}
                        )
                    )
                    continue
                given_by_org = found[0]
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
                cleaned = pairings._clean_action(ctx.actor, dict(data))
                # SEC-9: her consent, or a permitted user's documented exception (recorded on write)
                pairings.check_action_consent(ctx.actor, cleaned, v.get("consent_exception", ""))
            except ValidationError as exc:
                _apply_errors(row, exc, ACTION_HEADERS)
                continue
            data["consent_exception"] = v.get("consent_exception", "")
            v["_data"], v["_org"] = data, org

    def write(self, rows, ctx):
        for index, row in enumerate(rows, start=1):
            pairings.record_action(ctx.actor, org=row.values["_org"], **row.values["_data"])
            if ctx.progress:
                ctx.progress(index, len(rows))
        return len(rows)
