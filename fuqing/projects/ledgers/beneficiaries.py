"""The beneficiaries ledger (PRJ-4, RPT-2, RPT-3): exported masked; imported rows find the woman in
the registry by her record number (档案编号) or ID number (through its blind index), within the
importer's scope, and the same help is refused twice — in the file and against the database."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fuqing.core import cells
from fuqing.core.cells import CellError
from fuqing.core.ledger import (
    Column,
    ImportContext,
    Ledger,
    ParsedRow,
    RowError,
    date_column,
    project_column,
    register,
    unit_column,
    year_column,
)
from fuqing.projects import services
from fuqing.projects.filters import BeneficiaryFilter
from fuqing.projects.ledgers.common import (
    ProjectResolver,
    amount,
    editable,
    export_queryset,
    units,
)
from fuqing.projects.models import Beneficiary
from fuqing.registry.models import Woman, WomanStatus
from fuqing.registry.privacy import check_help_consent, consent_states


def id_number_index(value: str) -> str:
    """The registry's blind index of an ID number (the registry's own function when it has one)."""
    try:
        from fuqing.registry.services import id_number_index as registry_index  # type: ignore[attr-defined]
    except ImportError:
        registry_index = None
    if registry_index is not None:
        return registry_index(value)
    from fuqing.core.crypto import blind_index

    return blind_index(value.upper(), "id_number")


HAS_FILE_NUMBER = any(f.name == "file_number" for f in Woman._meta.get_fields())


def parse_record_number(value):
    """The registry's file number (档案编号), or a record's id."""
    raw = cells.compact(value)
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        if HAS_FILE_NUMBER and len(raw) <= 20:
            return raw
        raise CellError(_("档案编号格式不正确。")) from None


def record_number(woman) -> str:
    return woman.file_number if HAS_FILE_NUMBER else str(woman.pk)


def parse_id_number(value) -> str:
    raw = cells.compact(value).upper()
    if raw and (len(raw) != 18 or not raw[:17].isdigit()):
        raise CellError(_("身份证号应为 18 位。"))
    return raw


@register
class BeneficiaryLedger(Ledger):
    name = "beneficiaries"
    title = "实事项目受益人"
    model = Beneficiary
    export_permission = ("projects", "export")
    import_permission = ("projects", "edit")
    columns = (
        year_column(),
        project_column(required=True),
        Column(
            "help_kind",
            "帮扶类别",
            parse=lambda v: cells.text(v, 30),
            aliases=("帮扶内容", "救助类别"),
            example="泥草房改建",
            help="项目设置的帮扶类别之一；项目没有设置类别时留空",
            export=lambda b, c: b.help_kind,
            width=12,
        ),
        Column(
            "name",
            "姓名",
            parse=lambda v: cells.text(v, 50),
            required=True,
            aliases=("受益人", "受益妇女"),
            example="张秀英",
            help="与妇女档案一致（用于核对）",
            export=lambda b, c: b.woman.masked_name,
            width=10,
        ),
        Column(
            "id_number",
            "身份证号",
            parse=parse_id_number,
            aliases=("身份证号码", "公民身份号码"),
            example="230102198001011234",
            help="与“档案编号”二选一，用于找到妇女档案",
            export=lambda b, c: b.woman.masked_id_number,
            width=22,
        ),
        Column(
            "record",
            "档案编号",
            parse=parse_record_number,
            aliases=("妇女档案编号",),
            help="妇女档案的编号（可从妇女档案台账导出）",
            export=lambda b, c: record_number(b.woman),
            width=16,
        ),
        date_column(
            "received_on", "受助日期", required=True, aliases=("帮扶日期", "日期"), example="2014-05-12"
        ),
        Column(
            "amount",
            "金额（元）",
            parse=amount,
            aliases=("金额", "救助金额", "资助金额"),
            example="20000",
            export=lambda b, c: b.amount,
            width=12,
        ),
        unit_column("org", "帮扶单位", width=18),
        Column("notes", "备注", parse=lambda v: cells.text(v, 200), export=lambda b, c: b.notes, width=30),
        Column(
            "consent_exception",
            "同意例外原因",
            parse=lambda v: cells.text(v, 200),
            help="健康帮扶而她尚未同意“健康信息”用途时填写（SEC-9），须妇女档案审核权限",
            width=20,
        ),
        Column("created_at", "记录时间", importable=False, export=lambda b, c: b.created_at, width=18),
    )

    def queryset(self, user):
        return (
            export_queryset(Beneficiary, user)
            .select_related("project", "woman", "org")
            .order_by("year", "project__sort", "received_on", "created_at")
        )

    def filter(self, queryset, params: dict):
        return BeneficiaryFilter(params).apply(queryset)  # the list page's own filters

    def check_rows(self, rows: list[ParsedRow], ctx: ImportContext) -> None:
        orgs = units(ctx, "帮扶单位")
        projects = ProjectResolver(ctx.actor, ctx.org)
        women = self._women(rows, ctx)
        consents: dict[str, dict] = {}
        seen: dict[tuple, int] = {}
        for row in rows:
            if row.errors:
                continue
            v = row.values
            project, message = projects.find(v["year"], v["project"])
            if project is None:
                row.errors.append(RowError(row.number, "项目", message))
                continue
            kind = v.get("help_kind") or ""
            if (project.help_kinds and kind not in project.help_kinds) or (not project.help_kinds and kind):
                allowed = "、".join(project.help_kinds) or _("（留空）")
                row.errors.append(RowError(row.number, "帮扶类别", _("应为：%(k)s。") % {"k": allowed}))
                continue
            woman, column, message = self._woman(v, women)
            if woman is None:
                row.errors.append(RowError(row.number, column, message))
                continue
            org, message = orgs.resolve(v.get("org") or "")
            if org is None:
                row.errors.append(RowError(row.number, "帮扶单位", message))
                continue
            if not editable(ctx.actor, org) or not org.path.startswith(project.org.path):
                row.errors.append(
                    RowError(
                        row.number, "帮扶单位", _("“%(o)s”不在您可以填报的项目范围内。") % {"o": org.name}
                    )
                )
                continue
            day = v["received_on"]
            if day.year != project.year:
                row.errors.append(
                    RowError(row.number, "受助日期", _("应在项目年度（%(y)d年）内。") % {"y": project.year})
                )
                continue
            key = (woman.pk, project.pk, kind, day)
            if key in seen:
                row.errors.append(
                    RowError(
                        row.number,
                        "受助日期",
                        _("与第 %(n)d 行是同一妇女同一天的同一帮扶，不重复计数。") % {"n": seen[key]},
                    )
                )
                continue
            refused = False
            for purpose in services.help_purposes(project, kind, v.get("amount")):
                # SEC-9: her consent, or a permitted user's documented exception
                if purpose not in consents:
                    ids = {w.pk for found in women.values() for w in found.values()}
                    consents[purpose] = consent_states(ids, purpose)
                try:
                    check_help_consent(
                        ctx.actor,
                        woman,
                        purpose,
                        exception_reason=v.get("consent_exception") or "",
                        states=consents[purpose],
                    )
                except ValidationError as exc:
                    for field, messages in exc.message_dict.items():
                        column = "同意例外原因" if field == "consent_exception" else "姓名"
                        row.errors.extend(RowError(row.number, column, m) for m in messages)
                    refused = True
                    break
            if refused:
                continue
            seen[key] = row.number
            v.update({"_project": project, "_woman": woman, "_org": org, "_kind": kind})
        existing = set(
            Beneficiary.objects.filter(woman_id__in={k[0] for k in seen}).values_list(
                "woman_id", "project_id", "help_kind", "received_on"
            )
        )
        by_number = {r.number: r for r in rows}
        for key, number in seen.items():
            if key in existing:
                by_number[number].errors.append(
                    RowError(number, "受助日期", _("已记录过该妇女同一天的同一帮扶，不重复计数。"))
                )

    @staticmethod
    def _women(rows, ctx) -> dict:
        numbers = {r.values.get("record") for r in rows if r.values.get("record")}
        ids = {n for n in numbers if isinstance(n, uuid.UUID)}
        files = numbers - ids
        indexes = {id_number_index(r.values["id_number"]) for r in rows if r.values.get("id_number")}
        visible = Woman.objects.visible_to(ctx.actor).filter(status=WomanStatus.ACTIVE)
        found = {"by_pk": {}, "by_index": {}}
        if ids:
            found["by_pk"] = {w.pk: w for w in visible.filter(pk__in=ids)}
        if files:
            found["by_pk"].update({w.file_number: w for w in visible.filter(file_number__in=files)})
        if indexes:
            found["by_index"] = {w.id_number_index: w for w in visible.filter(id_number_index__in=indexes)}
        return found

    @staticmethod
    def _woman(v, women):
        woman = None
        if v.get("record"):
            woman = women["by_pk"].get(v["record"])
            column = "档案编号"
        elif v.get("id_number"):
            woman = women["by_index"].get(id_number_index(v["id_number"]))
            column = "身份证号"
        else:
            return None, "身份证号", _("请填写身份证号或档案编号，以找到妇女档案。")
        if woman is None:
            return None, column, _("在您的范围内没有找到该妇女的在册档案，请先在妇女档案中登记。")
        if woman.name != v["name"]:
            return None, "姓名", _("姓名与妇女档案不一致，请核对。")
        return woman, "", ""

    def write_row(self, row: ParsedRow, ctx: ImportContext) -> None:
        v = row.values
        services.record_beneficiary(
            ctx.actor,
            project=v["_project"],
            woman=v["_woman"],
            org=v["_org"],
            received_on=v["received_on"],
            help_kind=v["_kind"],
            amount_yuan=v.get("amount"),
            notes=v.get("notes") or "",
            consent_exception=v.get("consent_exception") or "",
        )
