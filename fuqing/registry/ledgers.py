"""The women's register as a ledger (RPT-2, RPT-3): masked export in bounded memory, import from messy
real-world ledgers with every row checked, duplicates reported within the file and against the database.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import BooleanField, Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core import cells
from fuqing.core.cells import CellError
from fuqing.core.crypto import blind_index
from fuqing.core.ledger import (
    UNIT_RULE,
    Column,
    ExportContext,
    ImportContext,
    Ledger,
    ParsedRow,
    RowError,
    UnitResolver,
    register,
)
from fuqing.core.masking import mask_name
from fuqing.orgs.models import Org, OrgKind
from fuqing.registry import services
from fuqing.registry.filters import WomanFilter
from fuqing.registry.importing import import_women, undo_import
from fuqing.registry.models import (
    ANONYMISED_NAME,
    Consent,
    ConsentPurpose,
    VulnerableGroup,
    Woman,
    WomanStatus,
)
from fuqing.registry.privacy import health_consent_message
from fuqing.registry.validators import age_on, normalise_name, parse_id_number, parse_phone

_SPLIT = re.compile(r"[、,，;；/\s]+")


def parse_name(value) -> str:
    name = normalise_name(value)
    if len(name) > 50:
        raise CellError(_("姓名不能超过 50 个字。"))
    if name and not services.NAME_CHARS.match(name):
        raise CellError(_("姓名只能包含汉字、字母和间隔号“·”。"))
    return name


def parse_groups(value) -> list[str]:
    return [token for token in _SPLIT.split(cells.text(value)) if token]


def parse_notes(value) -> str:
    return cells.text(value, services.MAX_NOTES)


STATUS_LABELS = dict(WomanStatus.choices)
YES, NO = "是", "否"


@register
class WomanLedger(Ledger):
    name = "women"
    title = "妇女档案"
    model = Woman
    export_permission = ("registry", "export")
    import_permission = ("registry", "edit")
    columns = (
        Column("file_number", "档案编号", importable=False, export=lambda w, c: w["file_number"], width=14),
        Column(
            "name",
            "姓名",
            parse=parse_name,
            required=True,
            aliases=("名字", "妇女姓名", "姓名(必填)"),
            example="李秀英",
            help="本人姓名",
            export=lambda w, c: w["name"],
            width=10,
        ),
        Column(
            "id_number",
            "身份证号",
            parse=lambda v: parse_id_number(v) if cells.text(v) else None,
            required=True,
            aliases=("身份证号码", "公民身份号码", "身份证", "证件号码", "身份证件号码", "公民身份证号码"),
            example="230102199001010024",
            help="18 位公民身份号码（GB 11643），末位 x 大小写均可；用于查重",
            export=lambda w, c: w["id_number_masked"],
            width=20,
        ),
        Column("age", "年龄", importable=False, export=lambda w, c: w["age"], width=6),
        Column(
            "phone",
            "联系电话",
            parse=parse_phone,
            aliases=("手机号", "手机号码", "电话", "联系方式", "手机", "电话号码", "联系电话(手机)"),
            example="13812345678",
            help="11 位手机号，或带区号的固定电话（如 0451-86661234）",
            export=lambda w, c: w["phone_masked"],
            width=14,
        ),
        Column(
            "org",
            "所属社区",
            repeats=True,
            aliases=("社区(村)", "所属社区(村)", "社区", "村", "所在社区", "社区/村", "所属村", "村(社区)"),
            example="友谊社区",
            help="社区(村)。" + UNIT_RULE + "不填则登记在导入单位",
            export=lambda w, c: w["org"],
            width=18,
        ),
        Column(
            "groups",
            "困难群体",
            repeats=True,
            parse=parse_groups,
            aliases=("困难类型", "群体类别", "困难群体类别", "弱势群体", "群体类型", "类别", "困难类别"),
            example="留守妇女、失业妇女",
            help="可填多个，用顿号或逗号分开",
            export=lambda w, c: w["groups"],
            width=22,
        ),
        Column(
            "address",
            "住址",
            parse=lambda v: cells.text(v, 200),
            aliases=("家庭住址", "地址", "居住地址", "现住址", "现居住地址"),
            example="道里区友谊路 12 号",
            export=lambda w, c: w["address"],
            width=28,
        ),
        Column(
            "household_notes",
            "家庭情况",
            parse=parse_notes,
            aliases=("家庭状况", "家庭情况说明", "家庭成员情况"),
            example="丈夫外出务工，育有一子",
            export=lambda w, c: w["household_notes"],
            width=30,
        ),
        Column(
            "health_notes",
            "健康状况",
            parse=parse_notes,
            aliases=("健康情况", "身体状况", "身体情况"),
            example="高血压",
            help="须同时在“健康信息同意”列填“是”（本人单独同意）",
            export=lambda w, c: "******" if w["has_health"] else "",
            width=12,
        ),
        Column(
            "health_consent",
            "健康信息同意",
            repeats=True,
            parse=cells.boolean,
            aliases=("健康信息授权", "同意处理健康信息", "健康信息知情同意"),
            example="是",
            help="本人是否单独同意记录健康信息：是/否",
            export=lambda w, c: YES if w["health_consent"] else NO,
            width=12,
        ),
        Column(
            "registered_on",
            "登记日期",
            repeats=True,
            parse=cells.date,
            aliases=("登记时间", "建档日期", "填报日期", "建档时间"),
            example="2014-04-15",
            help="不填则为导入当天",
            export=lambda w, c: w["registered_on"],
            width=12,
        ),
        Column("status", "状态", importable=False, export=lambda w, c: w["status"], width=8),
        Column(
            "confirm_male",
            "确认登记",
            repeats=True,
            parse=cells.boolean,
            aliases=("性别已核对", "确认男性号码"),
            example="",
            help="身份证号显示为男性（第 17 位为奇数）时，核对无误后填“是”",
        ),
    )

    # --- export ----------------------------------------------------------------------------------

    def queryset(self, user):
        return Woman.objects.visible_to(user).order_by("org__path", "name", "id")

    def filter(self, queryset, params: dict):
        return WomanFilter(params).apply(queryset, export=True)

    def export_rows(self, queryset, ctx: ExportContext):
        """Rows as plain values, a chunk at a time: masked forms are stored, so nothing is decrypted."""

        today = timezone.localdate()
        has_health = Case(
            When(health_notes="", then=Value(False)), default=Value(True), output_field=BooleanField()
        )
        fields = (
            "pk",
            "file_number",
            "name",
            "anonymised_at",
            "id_number_masked",
            "birth_date",
            "phone_masked",
            "org_id",
            "address",
            "household_notes",
            "has_health",
            "registered_on",
            "status",
        )
        rows = queryset.annotate(has_health=has_health).values_list(*fields).iterator(chunk_size=5000)
        orgs: dict[int, str] = {}
        group_names = dict(VulnerableGroup.objects.values_list("pk", "name"))
        chunk: list[tuple] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == 5000:
                yield from self._export_chunk(chunk, fields, orgs, group_names, today, ctx)
                chunk = []
        if chunk:
            yield from self._export_chunk(chunk, fields, orgs, group_names, today, ctx)

    def _export_chunk(self, chunk, fields, orgs, group_names, today, ctx):
        ids = [row[0] for row in chunk]
        missing = {row[7] for row in chunk} - orgs.keys()
        if missing:
            orgs.update(Org.objects.filter(pk__in=missing).values_list("pk", "name"))
        groups: dict = defaultdict(list)
        links, consented = _chunk_links(ids)
        for woman_id, group_id in links:
            groups[woman_id].append(group_names.get(group_id, ""))
        columns = self.export_columns()
        statuses = {code: str(label) for code, label in STATUS_LABELS.items()}  # translated once a chunk
        for row in chunk:
            item = dict(zip(fields, row, strict=True))
            item["name"] = ANONYMISED_NAME if item["anonymised_at"] else mask_name(item["name"])
            item["age"] = age_on(item["birth_date"], today)
            item["org"] = orgs.get(item["org_id"], "")
            item["groups"] = "、".join(sorted(groups.get(item["pk"], [])))
            item["health_consent"] = item["pk"] in consented
            item["status"] = statuses.get(item["status"], item["status"])
            yield [column.export(item, ctx) for column in columns]

    # --- import ----------------------------------------------------------------------------------

    def check_rows(self, rows: list[ParsedRow], ctx: ImportContext) -> None:
        """Cross-row and database checks, in bulk: the unit, the groups, a man's number, health consent,
        and duplicates — the same ID number twice in the file, or already registered (REG-4)."""
        # her community by the kit's one rule; a department registers no women
        resolver = UnitResolver(
            ctx.org, ctx.actor, column="所属社区", accept=lambda o, _parent: o.kind != OrgKind.DEPARTMENT
        )
        groups = _GroupResolver()
        seen_ids: dict[str, int] = {}
        seen_name_phone: dict[tuple[str, str], int] = {}
        pending: dict[str, ParsedRow] = {}
        units: dict[str, tuple] = {}  # a few communities named on many rows: each resolved once
        for row in rows:
            values = row.values
            named = values.get("org") or ""
            if named not in units:
                units[named] = resolver.resolve(named)
            values["_org"], refusal = units[named]
            if values["_org"] is None:
                row.errors.append(RowError(row.number, resolver.column, refusal))
            values["_groups"], unknown = groups.resolve(values.get("groups") or [])
            if unknown:
                row.errors.append(RowError(row.number, "困难群体", groups.message(unknown)))
            parsed = values.get("id_number")
            if parsed is not None:
                if parsed.male and not values.get("confirm_male"):
                    row.errors.append(
                        RowError(
                            row.number,
                            "身份证号",
                            _("第 17 位为奇数，表示男性；如核对无误，请在“确认登记”列填“是”。"),
                        )
                    )
                first = seen_ids.get(parsed.value)
                if first is not None:
                    row.errors.append(
                        RowError(row.number, "身份证号", _("与第 %(n)d 行的身份证号重复。") % {"n": first})
                    )
                else:
                    seen_ids[parsed.value] = row.number
                    values["_id_index"] = blind_index(parsed.value, "id_number")
                    pending[values["_id_index"]] = row
            if values.get("health_notes") and not values.get("health_consent"):
                row.errors.append(RowError(row.number, "健康状况", services_health_message()))
            if values.get("phone") and values.get("name"):
                key = (values["name"], values["phone"])
                if key in seen_name_phone:
                    row.warnings.append(
                        RowError(
                            row.number,
                            "姓名",
                            _("与第 %(n)d 行姓名、电话相同，可能是同一人。") % {"n": seen_name_phone[key]},
                        )
                    )
                else:
                    seen_name_phone[key] = row.number
        self._check_database(pending, ctx)

    @staticmethod
    def _check_database(pending: dict[str, ParsedRow], ctx: ImportContext) -> None:
        indexes = list(pending)
        # by the blind index alone (status checked here): the plan never depends on status statistics
        found = [
            (index, pk, file_number)
            for index, pk, file_number, status in _registered(indexes)
            if status in (WomanStatus.ACTIVE, WomanStatus.INACTIVE)
        ]
        visible = Woman.objects.visible_to(ctx.actor)
        shown: set = set()
        for start in range(0, len(found), 500):
            part = [f[1] for f in found[start : start + 500]]
            shown.update(visible.filter(pk__in=part).values_list("pk", flat=True))
        for index, pk, file_number in found:
            row = pending[index]
            if pk in shown:
                message = _("该身份证号已登记（档案编号 %(f)s），不能重复登记。") % {"f": file_number}
            else:
                message = _("该身份证号已在您管理范围以外的单位登记，不能重复登记。")
            row.errors.append(RowError(row.number, "身份证号", message))

    write_chunk = 250  # SQLite: short write transactions, undone on failure (core.ledger)

    def write(self, rows: list[ParsedRow], ctx: ImportContext) -> int:
        return services_import(ctx.actor, [row.values for row in rows], ctx.progress)

    def undo(self, rows: list[ParsedRow], ctx: ImportContext) -> None:
        undo_import([row.values for row in rows])


def _chunk_links(ids: list) -> tuple[list[tuple], set]:
    """An export chunk's (woman, group) links and the women with a standing health consent. PostgreSQL
    takes the chunk's ids as one array parameter: no 5,000 placeholders to build and bind per query."""
    through = Woman.groups.through
    if connection.vendor != "postgresql":
        links = list(through.objects.filter(woman_id__in=ids).values_list("woman_id", "vulnerablegroup_id"))
        consented = set(
            Consent.objects.filter(
                woman_id__in=ids, purpose=ConsentPurpose.HEALTH, withdrawn_on__isnull=True
            ).values_list("woman_id", flat=True)
        )
        return links, consented
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT woman_id, vulnerablegroup_id FROM {through._meta.db_table}"  # noqa: S608
            " WHERE woman_id = ANY(%s)",
            [ids],
        )
        links = cursor.fetchall()
        cursor.execute(
            f"SELECT woman_id FROM {Consent._meta.db_table}"  # noqa: S608
            " WHERE woman_id = ANY(%s) AND purpose = %s AND withdrawn_on IS NULL",
            [ids, ConsentPurpose.HEALTH.value],
        )
        consented = {row[0] for row in cursor.fetchall()}
    return links, consented


def _registered(indexes: list[str]) -> list[tuple]:
    """(blind index, pk, file number, status) of the women already registered under these ID numbers.
    PostgreSQL: the file's indexes are COPied into a staging table and joined in one query (issue 16);
    elsewhere, in chunks of 500."""
    if not indexes:
        return []
    if connection.vendor != "postgresql":
        found = []
        for start in range(0, len(indexes), 500):
            found.extend(
                Woman.objects.filter(id_number_index__in=indexes[start : start + 500])
                .order_by()
                .values_list("id_number_index", "pk", "file_number", "status")
            )
        return found
    table = Woman._meta.db_table
    with transaction.atomic(), connection.wrap_database_errors, connection.cursor() as wrapper:
        cursor = wrapper.cursor
        cursor.execute("CREATE TEMPORARY TABLE fq_import_ids (id_index varchar(64)) ON COMMIT DROP")
        with cursor.copy("COPY fq_import_ids (id_index) FROM STDIN") as copy:
            for index in indexes:
                copy.write_row((index,))
        cursor.execute("ANALYZE fq_import_ids")
        cursor.execute(
            f"SELECT w.id_number_index, w.id, w.file_number, w.status FROM {table} w"  # noqa: S608
            " JOIN fq_import_ids s ON s.id_index = w.id_number_index"
        )
        found = cursor.fetchall()
        cursor.execute("DROP TABLE fq_import_ids")
    return found


def services_health_message() -> str:
    return health_consent_message()


def services_import(actor, records: list[dict], progress) -> int:
    return import_women(actor, records, progress=progress)


class _GroupResolver:
    def __init__(self):
        self.groups = list(VulnerableGroup.objects.filter(is_active=True))
        self.lookup: dict[str, VulnerableGroup] = {}
        for group in self.groups:
            for key in (group.code, group.name, group.name.removesuffix("妇女")):
                self.lookup[key.lower()] = group

    def resolve(self, tokens: list[str]) -> tuple[list[VulnerableGroup], list[str]]:
        found, unknown = [], []
        for token in tokens:
            group = self.lookup.get(token.lower())
            if group is None:
                unknown.append(token)
            elif group not in found:
                found.append(group)
        return found, unknown

    def message(self, unknown: list[str]) -> str:
        names = "、".join(g.name for g in self.groups)
        return _("未知的困难群体“%(u)s”；应为：%(names)s。") % {"u": "、".join(unknown), "names": names}
