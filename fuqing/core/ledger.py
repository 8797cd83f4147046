"""The ledger (台账) engine: Excel export and import for every register (RPT-2, RPT-3, SEC-10).

A register describes its columns once (``Ledger`` subclass, registered under a name); the engine
exports the user's scope masked and streamed, builds the import template, and imports all-or-nothing:
parse every row, report errors by row and column in Chinese, then write in one transaction — or only
the valid rows, when the user asks for that.
"""

from __future__ import annotations

import datetime
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core import audit, cells, uploads
from fuqing.core.cells import CellError
from fuqing.core.models import AuditAction
from fuqing.core.scoping import user_scope


class LedgerFileError(ValueError):
    """The file as a whole cannot be read (type, size, archive bomb, missing columns)."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: Callable[[Any], Any] = cells.text
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""
    example: str = ""
    export: Callable[[Any, ExportContext], Any] | None = None
    importable: bool = True
    width: int = 16


@dataclass
class ExportContext:
    user: Any
    unmasked: bool = False


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ParsedRow:
    number: int  # the spreadsheet's row number, as the user sees it
    values: dict
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # reported, not blocking (likely duplicates)


@dataclass
class ImportContext:
    """What an import knows besides the rows: who, under which organisation, options."""

    actor: Any
    org: Any
    valid_only: bool = False
    progress: Callable[[int, int], None] | None = None
    extra: dict = field(default_factory=dict)


class Ledger:
    """One register's ledger. Subclasses set the class attributes and override the hooks."""

    name: str = ""
    title: str = ""
    model = None
    columns: tuple[Column, ...] = ()
    export_permission: tuple[str, str] | None = None
    import_permission: tuple[str, str] | None = None

    # --- permissions ----------------------------------------------------------------------------
    # A volunteer's scope (PRJ-5) holds only her own pairs: she exports and imports no ledger.
    def can_export(self, user) -> bool:
        return (
            self.export_permission is not None
            and user.has_module_perm(*self.export_permission)
            and user_scope(user).volunteer is None
        )

    def can_import(self, user) -> bool:
        return (
            self.import_permission is not None
            and user.has_module_perm(*self.import_permission)
            and user_scope(user).volunteer is None
        )

    def supports_import(self) -> bool:
        return type(self).write is not Ledger.write

    # --- export -------------------------------------------------------------------------------
    def queryset(self, user):
        return self.model.objects.visible_to(user)

    def filter(self, queryset, params: dict):
        """Narrow an export to the list's filters (allowlisted by the register, SEC-4)."""
        return queryset

    def export_columns(self) -> list[Column]:
        return [c for c in self.columns if c.export is not None]

    def export_row(self, obj, ctx: ExportContext) -> list:
        return [c.export(obj, ctx) for c in self.export_columns()]

    def export_rows(self, queryset, ctx: ExportContext) -> Iterator[list]:
        """The rows of an export, streamed. Big registers override this to read plain values in chunks."""
        for obj in queryset.iterator(chunk_size=2000):
            yield self.export_row(obj, ctx)

    # --- import -------------------------------------------------------------------------------
    def import_columns(self) -> list[Column]:
        return [c for c in self.columns if c.importable]

    def check_rows(self, rows: list[ParsedRow], ctx: ImportContext) -> None:
        """Checks across rows and against the database (in bulk); add errors to the rows."""

    def write(self, rows: list[ParsedRow], ctx: ImportContext) -> int:
        """Write valid rows through the register's services; runs inside one transaction."""
        raise NotImplementedError


_REGISTRY: dict[str, Ledger] = {}


def register(ledger_class: type[Ledger]) -> type[Ledger]:
    _REGISTRY[ledger_class.name] = ledger_class()
    return ledger_class


def get_ledger(name: str) -> Ledger:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(name) from None


def ledgers() -> dict[str, Ledger]:
    return dict(_REGISTRY)


# --- export ---------------------------------------------------------------------------------------


def _cell(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    return cells.neutralise(value)


def write_xlsx(path: str, title: str, headers: list[str], rows: Iterable[list], widths: list[int]) -> int:
    """Write one sheet in constant memory; every text cell is neutralised. Returns the row count."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(title[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, header, bold)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            value = _cell(value)
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(count, col, value)
            else:
                sheet.write(count, col, value)
    workbook.close()
    return count


def export_to_file(ledger: Ledger, user, queryset=None, unmasked: bool = False) -> tuple[str, int]:
    """Export the user's scope (or a narrower queryset) to a temporary xlsx; returns (path, rows)."""
    qs = queryset if queryset is not None else ledger.queryset(user)
    ctx = ExportContext(user=user, unmasked=unmasked)
    columns = ledger.export_columns()
    fd, path = tempfile.mkstemp(suffix=".xlsx", dir=_tmp_dir())
    os.close(fd)
    rows = ledger.export_rows(qs, ctx)
    count = write_xlsx(path, ledger.title, [c.header for c in columns], rows, [c.width for c in columns])
    audit.record(
        AuditAction.EXPORT,
        actor=user,
        object_type=f"ledger.{ledger.name}",
        object_repr=ledger.title,
        details={"rows": count, "unmasked": unmasked},
    )
    return path, count


def template_to_file(ledger: Ledger) -> str:
    """The import template: the header row, and a 说明 sheet with each column's rule and an example."""
    import xlsxwriter

    fd, path = tempfile.mkstemp(suffix=".xlsx", dir=_tmp_dir())
    os.close(fd)
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet(ledger.title[:31])
    head = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    required = workbook.add_format({"bold": True, "bg_color": "#FCE4E4", "border": 1})
    columns = ledger.import_columns()
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
        sheet.write_string(0, col, column.header, required if column.required else head)
    sheet.freeze_panes(1, 0)
    notes = workbook.add_worksheet("说明")
    notes.set_column(0, 0, 18)
    notes.set_column(1, 3, 40)
    for col, title in enumerate(["列名", "是否必填", "填写说明", "示例"]):
        notes.write_string(0, col, title, head)
    for row, column in enumerate(columns, start=1):
        notes.write_string(row, 0, column.header)
        notes.write_string(row, 1, "必填" if column.required else "选填")
        aliases = f"（也可写作：{'、'.join(column.aliases)}）" if column.aliases else ""
        notes.write_string(row, 2, column.help + aliases)
        notes.write_string(row, 3, cells.neutralise(column.example))
    notes.write_string(
        len(columns) + 2,
        0,
        "日期可写作 2014-04-15、2014.4.15、2014/04/15 或 2014年4月15日；红色列为必填。",
    )
    workbook.close()
    return path


def _tmp_dir() -> str:
    path = (settings.SHARED_DIR or settings.VAR_DIR) / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


# --- import ---------------------------------------------------------------------------------------


def check_upload(path: str, size: int | None = None, name: str = "") -> None:
    """SEC-10: an .xlsx of bounded size whose archive does not expand into a bomb (``core.uploads``)."""
    try:
        uploads.SPREADSHEETS.check_path(path, name, size)
    except uploads.UploadError as exc:
        raise LedgerFileError(str(exc)) from None


def normalise_header(value) -> str:
    raw = cells.text(value).replace(" ", "")
    for mark in ("*", "＊", "(必填)", "（必填）", "(选填)", "（选填）"):
        raw = raw.replace(mark, "")
    return raw.lower()


def _first_sheet(path: str):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    except Exception as exc:  # calamine raises its own error types
        raise LedgerFileError(_("文件无法读取：%(e)s") % {"e": str(exc)[:100]}) from None


def read_rows(path: str) -> Iterator[list]:
    """Rows of the first sheet as Python values (python-calamine: fast, bounded)."""
    yield from _first_sheet(path).iter_rows()


def _map_headers(ledger: Ledger, header_row: list) -> dict[int, Column]:
    lookup: dict[str, Column] = {}
    for column in ledger.import_columns():
        for name in (column.header, *column.aliases):
            lookup[normalise_header(name)] = column
    mapping: dict[int, Column] = {}
    for index, value in enumerate(header_row):
        column = lookup.get(normalise_header(value))
        if column is not None and column not in mapping.values():
            mapping[index] = column
    missing = [c.header for c in ledger.import_columns() if c.required and c not in mapping.values()]
    if missing:
        raise LedgerFileError(
            _("表头缺少必填列：%(cols)s。请使用下载的导入模板。") % {"cols": "、".join(missing)}
        )
    return mapping


def parse_file(
    ledger: Ledger, path: str, progress: Callable[[int, int], None] | None = None
) -> list[ParsedRow]:
    """Every non-empty row below the header, each with its cleaned values and cell errors."""
    sheet = _first_sheet(path)
    height = sheet.height or 0
    rows_iter = iter(sheet.iter_rows())
    mapping = None
    first_error = None
    number = 0
    for _attempt in range(10):  # a title line or two above the header is common
        header = next(rows_iter, None)
        if header is None:
            break
        number += 1
        try:
            mapping = _map_headers(ledger, header)
            break
        except LedgerFileError as exc:
            first_error = first_error or exc
    if mapping is None:
        raise first_error or LedgerFileError(_("文件是空的。"))
    parsed: list[ParsedRow] = []
    for row in rows_iter:
        number += 1
        if progress is not None and number % 2000 == 0:
            progress(min(number, height), 2 * height)  # reading is the first half of the work
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        item = ParsedRow(number=number, values={})
        for index, column in mapping.items():
            value = row[index] if index < len(row) else None
            try:
                cleaned = column.parse(value)
            except CellError as exc:
                item.errors.append(RowError(number, column.header, str(exc)))
                continue
            if column.required and (cleaned is None or cleaned == "" or cleaned == []):
                item.errors.append(RowError(number, column.header, _("必填，不能为空。")))
            item.values[column.key] = cleaned
        parsed.append(item)
    return parsed


@dataclass
class ImportSummary:
    rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    written: bool = False

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "imported": self.imported,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
            "written": self.written,
        }


def import_file(ledger: Ledger, path: str, ctx: ImportContext) -> ImportSummary:
    """Parse, check and write one file. All-or-nothing unless ``ctx.valid_only`` (RPT-3).

    Progress (PLT-5) runs twice over the rows: once while reading and checking, once while writing.
    Everything is written in one transaction, so a crash mid-write leaves nothing behind.
    """
    check_upload(path)
    rows = parse_file(ledger, path, progress=ctx.progress)
    summary = ImportSummary(rows=len(rows))
    ledger.check_rows(rows, ctx)
    for row in rows:
        summary.errors.extend(row.errors)
        summary.warnings.extend(row.warnings)
    summary.errors.sort(key=lambda e: e.row)
    valid = [row for row in rows if not row.errors]
    if (summary.errors and not ctx.valid_only) or not valid:
        return summary
    outer = ctx.progress
    if outer is not None:
        half = len(valid)
        outer(half, 2 * half)
        ctx = replace(ctx, progress=lambda done, total: outer(half + done * half // max(total, 1), 2 * half))
    with transaction.atomic():
        summary.imported = ledger.write(valid, ctx)
        summary.written = True
        audit.record(
            AuditAction.IMPORT,
            actor=ctx.actor,
            org=ctx.org,
            object_type=f"ledger.{ledger.name}",
            object_repr=ledger.title,
            details={"rows": summary.rows, "imported": summary.imported, "errors": len(summary.errors)},
        )
    return summary
