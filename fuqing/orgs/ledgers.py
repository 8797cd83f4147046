"""The organisation tree as a ledger: export, and import from the Excel template (ORG-5, RPT-3)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from fuqing.core import cells
from fuqing.core.cells import CellError
from fuqing.core.ledger import Column, ImportContext, Ledger, ParsedRow, RowError, register, unit_column
from fuqing.core.ledger_kit import UnitResolver, unit_key, unit_path
from fuqing.core.scoping import subtree_q
from fuqing.orgs import services
from fuqing.orgs.models import ALLOWED_PARENTS, Org, OrgKind, User

KIND_ALIASES = {
    "区妇联": OrgKind.DISTRICT,
    "县妇联": OrgKind.DISTRICT,
    "市妇联": OrgKind.CITY,
    "街道妇联": OrgKind.TOWNSHIP,
    "乡镇妇联": OrgKind.TOWNSHIP,
    "街道": OrgKind.TOWNSHIP,
    "乡镇": OrgKind.TOWNSHIP,
    "镇": OrgKind.TOWNSHIP,
    "乡": OrgKind.TOWNSHIP,
    "社区": OrgKind.COMMUNITY,
    "村": OrgKind.COMMUNITY,
    "社区妇联": OrgKind.COMMUNITY,
    "村妇联": OrgKind.COMMUNITY,
    "部室": OrgKind.DEPARTMENT,
    "部门": OrgKind.DEPARTMENT,
}


def parse_kind(value) -> str:
    raw = cells.text(value)
    if not raw:
        return ""
    if raw in KIND_ALIASES:
        return KIND_ALIASES[raw]
    return cells.choice(raw, OrgKind.choices)


def parse_code(value) -> str:
    code = cells.compact(value)
    if code and not services.DIVISION_CODE.match(code):
        raise CellError(_("行政区划代码应为 6、9 或 12 位数字。"))
    return code


@dataclass
class _Node:
    key: str  # an existing unit's path, or "row:N" for a unit the file adds
    kind: str
    chain: list[str]  # the keys of the names from the top of the tree down


class _FileUnits:
    """The units the file adds, found as parents of later rows by the same rule as existing ones."""

    def __init__(self, resolver: UnitResolver):
        self.resolver = resolver
        self.by_code: dict[str, list[_Node]] = defaultdict(list)
        self.by_name: dict[str, list[_Node]] = defaultdict(list)

    def node(self, unit) -> _Node:
        return _Node(unit.path, unit.kind, self.resolver.chain(unit))

    def add(self, key: str, name: str, kind: str, code: str, parent: _Node) -> _Node:
        node = _Node(key, kind, [*parent.chain, unit_key(name)])
        self.by_name[node.chain[-1]].append(node)
        if code:
            self.by_code[code].append(node)
        return node

    def candidates(self, value: str) -> list[_Node]:
        raw = cells.text(value)
        if raw.replace(" ", "").isdigit():
            return list(self.by_code.get(raw.replace(" ", ""), []))
        parts = unit_path(raw)
        if not parts:
            return []
        return [n for n in self.by_name.get(parts[-1], []) if n.chain[-len(parts) :] == parts]


@register
class OrgLedger(Ledger):
    name = "orgs"
    title = "组织机构"
    model = Org
    export_permission = ("orgs", "export")
    columns = (
        Column(
            "name",
            "名称",
            required=True,
            aliases=("组织名称", "单位名称"),
            example="新阳路街道妇联",
            help="组织的名称",
            export=lambda o, c: o.name,
            width=24,
            parse=lambda v: cells.text(v, 100),
        ),
        Column(
            "kind",
            "类型",
            parse=parse_kind,
            required=True,
            aliases=("组织类型", "层级"),
            example="街道(乡镇)妇联",
            help="市妇联、部(室)、区县(市)妇联、街道(乡镇)妇联、社区(村)妇联、妇女小组",
            export=lambda o, c: o.get_kind_display(),
            width=16,
        ),
        Column(
            "division_code",
            "行政区划代码",
            parse=parse_code,
            aliases=("区划代码", "统计用区划代码", "代码"),
            example="230102003",
            help="6、9 或 12 位数字，可空",
            export=lambda o, c: o.division_code,
            width=16,
        ),
        Column(
            "code_year",
            "代码年份",
            parse=cells.integer,
            aliases=("区划代码年份",),
            example="2014",
            help="行政区划代码所属年份",
            export=lambda o, c: o.code_year,
            width=10,
        ),
        Column(
            "parent_code",
            "上级区划代码",
            parse=parse_code,
            aliases=("上级代码",),
            example="230102",
            help="上级组织的行政区划代码；与“上级名称”二选一，都不填则导入到所选单位之下",
            export=lambda o, c: c.parents.get(o.path[:-4], ("", ""))[0],
            width=16,
        ),
        Column(
            "parent_name",
            "上级名称",
            aliases=("上级组织", "上级单位", "所属上级"),
            example="道里区妇联",
            help="上级组织的全称或用“/”连接的上级名称（如“新阳路街道/友谊社区”），"
            "可以是本文件前面几行新增的组织",
            export=lambda o, c: c.parents.get(o.path[:-4], ("", ""))[1],
            width=24,
            parse=lambda v: cells.text(v, 100),
        ),
    )

    def queryset(self, user):
        return Org.objects.visible_to(user).order_by("path")

    def export_row(self, obj, ctx):
        if not hasattr(ctx, "parents"):
            ctx.parents = {}
        ctx.parents[obj.path] = (obj.division_code, obj.name)
        return super().export_row(obj, ctx)

    def can_import(self, user) -> bool:
        return user.has_admin_ability("manage_tree")

    def check_rows(self, rows: list[ParsedRow], ctx: ImportContext) -> None:
        """Each parent — named by the ledger kit's one rule (``UnitResolver``: division code, full
        name or path of names) — must be a unit under the target organisation the importer may edit,
        or a row earlier in the file; with an allowed kind, no sibling of the same name, and an unused
        division code. Two queries for the tree and one for the codes, whatever the number of rows."""
        resolver = UnitResolver(ctx.org, ctx.actor, column="上级名称")
        children: dict[str, set[str]] = defaultdict(set)
        for path, name in Org.objects.filter(subtree_q(ctx.org.path)).values_list("path", "name"):
            children[path[: -Org.steplen]].add(name)
        used_codes = set(Org.objects.exclude(division_code="").values_list("division_code", flat=True))
        added = _FileUnits(resolver)
        for row in rows:
            if row.errors:
                continue
            values = row.values
            parent, column, message = self._resolve_parent(values, ctx, resolver, added)
            if parent is None:
                row.errors.append(RowError(row.number, column, message))
                continue
            kind = values["kind"]
            if parent.kind not in ALLOWED_PARENTS[kind]:
                row.errors.append(
                    RowError(
                        row.number,
                        "类型",
                        _("%(k)s不能设在%(p)s之下。")
                        % {"k": OrgKind(kind).label, "p": OrgKind(parent.kind).label},
                    )
                )
                continue
            if values["name"] in children[parent.key]:
                row.errors.append(
                    RowError(
                        row.number, "名称", _("同一上级下已有名为“%(n)s”的组织。") % {"n": values["name"]}
                    )
                )
                continue
            code = values.get("division_code") or ""
            if code and code in used_codes:
                row.errors.append(
                    RowError(row.number, "行政区划代码", _("区划代码 %(c)s 已被使用。") % {"c": code})
                )
                continue
            added.add(f"row:{row.number}", values["name"], kind, code, parent)
            children[parent.key].add(values["name"])
            if code:
                used_codes.add(code)
            values["_parent_key"] = parent.key

    @staticmethod
    def _resolve_parent(values, ctx, resolver: UnitResolver, added: _FileUnits):
        """(the parent node, "", "") or (None, the column, the reason)."""
        if values.get("parent_code"):
            value, column = values["parent_code"], "上级区划代码"
        elif values.get("parent_name"):
            value, column = values["parent_name"], "上级名称"
        else:
            return added.node(ctx.org), "", ""
        unit, message = resolver.resolve(value)
        found = ([added.node(unit)] if unit is not None else []) + added.candidates(value)
        if len(found) == 1:
            return found[0], "", ""
        if found:
            return None, column, _("“%(v)s”不止一个，请填写行政区划代码或用“/”写出上级名称。") % {"v": value}
        return None, column, message

    def write(self, rows: list[ParsedRow], ctx: ImportContext) -> int:
        """Add the organisations in file order through the tree service (parents before children)."""
        created: dict[str, Org] = {}
        total = len(rows)
        for index, row in enumerate(rows, start=1):
            values = row.values
            parent_key = values["_parent_key"]
            parent = created.get(parent_key) or Org.objects.get(path=parent_key)
            created[f"row:{row.number}"] = services.add_org(
                ctx.actor,
                parent=parent,
                name=values["name"],
                kind=values["kind"],
                division_code=values.get("division_code") or "",
                code_year=values.get("code_year"),
            )
            if ctx.progress:
                ctx.progress(index, total)
        return total


# --- users ----------------------------------------------------------------------------------------


def _roles(user, ctx) -> str:
    return "、".join(role.name for role in user.roles.all())


def _grants(user, ctx) -> str:
    return "、".join(f"{g.org.name}（{'编辑' if g.can_edit else '查看'}）" for g in user.scope_grants.all())


@register
class UserLedger(Ledger):
    """The accounts of the user's scope with their roles and scope grants (SEC-5): for the security
    administrator, who grants them, and the system administrator, who keeps the accounts."""

    name = "users"
    title = "用户台账"
    model = User
    personal = False  # cadres' work accounts: names and positions, no personal data of women
    columns = (
        Column("name", "姓名", export=lambda u, c: u.name, width=10),
        Column("username", "用户名", export=lambda u, c: u.username, width=14),
        unit_column("org", "所属组织"),
        Column("position", "职务", export=lambda u, c: u.get_position_display(), width=14),
        Column("rank", "职级", export=lambda u, c: u.get_rank_display(), width=10),
        Column("roles", "角色", export=_roles, width=24),
        Column("grants", "授权范围", export=_grants, width=30),
        Column("active", "状态", export=lambda u, c: "在用" if u.is_active else "停用", width=8),
        Column("last_login", "最近登录", export=lambda u, c: u.last_login, width=18),
        Column("password_changed_at", "密码修改时间", export=lambda u, c: u.password_changed_at, width=18),
    )

    def can_export(self, user) -> bool:
        return any(user.has_admin_ability(a) for a in ("grant_roles", "manage_users"))

    def can_import(self, user) -> bool:
        return False

    def queryset(self, user):
        from django.db.models import Prefetch

        from fuqing.orgs.models import ScopeGrant

        grants = Prefetch(
            "scope_grants", queryset=ScopeGrant.objects.select_related("org").order_by("org__path")
        )
        return (
            User.objects.visible_to(user)
            .select_related("org")
            .prefetch_related("roles", grants)
            .order_by("org__path", "username")
        )

    def filter(self, queryset, params):
        """The user list's filters: a search over login and name, and active or not."""
        from django.db.models import Q

        q = str(params.get("q") or "").strip()[:50]
        if q:
            queryset = queryset.filter(Q(username__icontains=q) | Q(name__icontains=q))
        if params.get("active") in ("0", "1"):
            queryset = queryset.filter(is_active=params["active"] == "1")
        return queryset
