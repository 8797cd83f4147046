"""The ledger (台账) engine: Excel export and import for every register (RPT-2, RPT-3, SEC-10).

A register describes its columns once (``Ledger`` subclass, registered under a name); the engine
exports the user's scope masked and streamed, builds the import template, and imports all-or-nothing:
parse every row, report errors by row and column in Chinese, then write in one transaction — or only
the valid rows, when the user asks for that.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from fuqing.core import audit, cells, uploads
from fuqing.core.cells import CellError
from fuqing.core.ledger_print import (
    DOCUMENT_FONT,
    Heading,
    cell_value,
    display_width,
    export_heading,
    print_widths,
    sheet_title,
    write_xlsx,
)
from fuqing.core.models import AuditAction
from fuqing.core.scoping import user_scope


class LedgerFileError(ValueError):
    """The file as a whole cannot be read (type, size, archive bomb, missing columns)."""

    named_columns = False  # raised on a row that named some of the columns (the header, short of some)


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
    # the same few values on many rows (a unit, a date, a group): each distinct value is parsed once
    repeats: bool = False


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

    # The masking note printed under the title; a register with no personal data sets personal = False.
    personal: bool = True

    def masking_note(self, unmasked: bool) -> str:
        if not self.personal:
            return ""
        if unmasked:
            return _("本表含未脱敏的个人信息，仅限工作使用，请妥善保管")
        return _("本表个人信息已脱敏显示")

    def supports_import(self) -> bool:
        return type(self).write is not Ledger.write or type(self).write_row is not Ledger.write_row

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

    # On SQLite (one writer at a time) a register that can undo its import writes in short transactions
    # of this many rows, so a big import never holds the writer for the whole file (issue 10, point 11);
    # a failure part-way undoes what was written, so the user still gets all or nothing.
    write_chunk: int | None = None

    def write(self, rows: list[ParsedRow], ctx: ImportContext) -> int:
        """Write valid rows through the register's services; runs inside one transaction. By default
        each row through ``write_row``, reporting progress."""
        for index, row in enumerate(rows, start=1):
            self.write_row(row, ctx)
            if ctx.progress:
                ctx.progress(index, len(rows))
        return len(rows)

    def write_row(self, row: ParsedRow, ctx: ImportContext) -> None:
        """Write one checked row through the register's services."""
        raise NotImplementedError

    def undo(self, rows: list[ParsedRow], ctx: ImportContext) -> None:
        """Remove what ``write`` wrote for these rows (only registers with ``write_chunk`` need this)."""
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


def export_to_file(
    ledger: Ledger,
    user,
    queryset=None,
    unmasked: bool = False,
    year: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[str, int]:
    """Export the user's scope (or a narrower queryset) to a temporary xlsx; returns (path, rows).

    With ``progress`` (an export job, PLT-5) the rows are counted first, and ``progress(done, total)``
    follows the writing; a row added meanwhile stretches the total rather than overrunning it."""
    qs = queryset if queryset is not None else ledger.queryset(user)
    written = None
    if progress is not None:
        total = qs.order_by().count()
        progress(0, total)

        def written(done: int) -> None:
            progress(done, max(total, done))

    ctx = ExportContext(user=user, unmasked=unmasked)
    columns = ledger.export_columns()
    fd, path = tempfile.mkstemp(suffix=".xlsx", dir=tmp_dir())
    os.close(fd)
    rows = ledger.export_rows(qs, ctx)
    count = write_xlsx(
        path,
        ledger.title,
        [c.header for c in columns],
        rows,
        [c.width for c in columns],
        heading=export_heading(ledger, user, year=year, unmasked=unmasked),
        progress=written,
    )
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

    fd, path = tempfile.mkstemp(suffix=".xlsx", dir=tmp_dir())
    os.close(fd)
    workbook = xlsxwriter.Workbook(
        path, {"default_format_properties": {"font_name": DOCUMENT_FONT, "font_size": 10}}
    )
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


def tmp_dir() -> str:
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


# Memory stays bounded whatever the upload (issue 10): python-calamine is fast but loads a whole sheet,
# about 1.7 bytes of memory per byte of unpacked sheet XML, so it reads sheets up to this unpacked size;
# bigger sheets are streamed row by row with openpyxl's read-only reader (constant memory, slower).
CALAMINE_MAX_UNPACKED = 64 * 1024 * 1024
# The shared-strings table is held in memory by every reader: refused above this unpacked size.
SHARED_STRINGS_MAX_UNPACKED = 64 * 1024 * 1024
# Errors and warnings listed in a summary; the rest are counted (a job's result stays small).
MAX_LISTED_ERRORS = 1000


def _unpacked_sizes(path: str) -> tuple[int, int]:
    """(worksheets, shared strings): their unpacked sizes in bytes, from the archive's directory."""

    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (OSError, zipfile.BadZipFile):
        raise LedgerFileError(_("文件已损坏，无法读取。")) from None
    sheets = sum(i.file_size for i in infos if i.filename.startswith("xl/worksheets/"))
    strings = sum(i.file_size for i in infos if i.filename == "xl/sharedStrings.xml")
    return sheets, strings


def _streamed_rows(path: str) -> tuple[Iterator[list], int]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        height = sheet.max_row or 0
    except Exception as exc:  # a file openpyxl cannot open is as unreadable as one calamine cannot
        raise LedgerFileError(_("文件无法读取：%(e)s") % {"e": str(exc)[:100]}) from None

    def rows():
        try:
            for row in sheet.iter_rows(values_only=True):
                yield list(row)
        finally:
            book.close()

    return rows(), height


def sheet_rows(path: str) -> tuple[Iterator[list], int]:
    """The first sheet's rows and its height, read in bounded memory (see CALAMINE_MAX_UNPACKED)."""
    sheets, strings = _unpacked_sizes(path)
    if strings > SHARED_STRINGS_MAX_UNPACKED:
        raise LedgerFileError(
            _("文件中的文字内容过多（解压后超过 %(n)d MB），请拆分后分批导入。")
            % {"n": SHARED_STRINGS_MAX_UNPACKED // (1024 * 1024)}
        )
    if sheets > CALAMINE_MAX_UNPACKED:
        return _streamed_rows(path)
    sheet = _first_sheet(path)
    return iter(sheet.iter_rows()), sheet.height or 0


def read_rows(path: str) -> Iterator[list]:
    """Rows of the first sheet as Python values, in bounded memory."""
    yield from sheet_rows(path)[0]


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


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
    if not mapping:  # a title row or the particulars line of an exported 台账: the header is below
        raise LedgerFileError(_("表头中没有可识别的列。请使用下载的导入模板。"))
    if missing:
        error = LedgerFileError(
            _("表头缺少必填列：%(cols)s。请使用下载的导入模板。") % {"cols": "、".join(missing)}
        )
        error.named_columns = True
        raise error
    return mapping


def parse_file(
    ledger: Ledger,
    path: str,
    progress: Callable[[int, int], None] | None = None,
    max_rows: int | None = None,
) -> list[ParsedRow]:
    """Every non-empty row below the header, each with its cleaned values and cell errors.

    At most ``max_rows`` data rows (default ``settings.IMPORT_MAX_ROWS``): reading stops at the first row
    beyond, so a huge file costs no more memory than the limit; a sheet with no data row is refused.
    """
    if max_rows is None:
        max_rows = settings.IMPORT_MAX_ROWS
    rows_iter, height = sheet_rows(path)
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
            # a row naming some columns is the header the user meant: its complaint beats a title row's
            if first_error is None or (
                getattr(exc, "named_columns", False) and not first_error.named_columns
            ):
                first_error = exc
    if mapping is None:
        raise first_error or LedgerFileError(_("文件是空的。"))
    parsed: list[ParsedRow] = []
    columns = [(index, column, {} if column.repeats else None) for index, column in mapping.items()]
    required_missing = _("必填，不能为空。")
    for row in rows_iter:
        number += 1
        if progress is not None and number % 2000 == 0:
            progress(min(number, height), 2 * max(height, number))  # reading is the first half of the work
        if all(_blank(v) for v in row):
            continue
        if len(parsed) >= max_rows:
            raise LedgerFileError(
                _("文件的数据超过 %(n)d 行（第 %(row)d 行起超出），一次最多导入 %(n)d 行，请拆分后分批导入。")
                % {"n": max_rows, "row": number}
            )
        item = ParsedRow(number=number, values={})
        width = len(row)
        for index, column, seen in columns:
            value = row[index] if index < width else None
            try:
                cleaned = _parse_cell(column, value, seen)
            except CellError as exc:
                item.errors.append(RowError(number, column.header, str(exc)))
                continue
            if column.required and (cleaned is None or cleaned == "" or cleaned == []):
                item.errors.append(RowError(number, column.header, required_missing))
            item.values[column.key] = cleaned
        parsed.append(item)
    if not parsed:
        raise LedgerFileError(_("文件中没有数据行：表头以下都是空行。请在表头下方填写数据后再导入。"))
    return parsed


REPEATS_MAX = 10000  # distinct values remembered per repeating column


@dataclass(frozen=True)
class _Refused:
    message: str


def _parse_cell(column: Column, value, seen: dict | None):
    """``column.parse(value)``; for a repeating column each distinct value once (its result, or the
    error it raised, replayed). Lists come back as copies, so no row shares another's."""
    if seen is None:
        return column.parse(value)
    key = (type(value), value)  # 1, 1.0 and True are equal keys, not equal cells
    try:
        known = seen.get(key, seen)
    except TypeError:  # an unhashable cell value
        return column.parse(value)
    if known is seen:
        try:
            known = column.parse(value)
        except CellError as exc:
            known = _Refused(str(exc))  # the message only: no traceback kept alive
        if len(seen) < REPEATS_MAX:
            seen[key] = known
    if isinstance(known, _Refused):
        raise CellError(known.message)
    return list(known) if isinstance(known, list) else known


@dataclass
class ImportSummary:
    """What an import did. ``errors``/``warnings`` list the first MAX_LISTED_ERRORS; the counts are
    complete."""

    rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    written: bool = False
    error_count: int = 0
    warning_count: int = 0
    valid_rows: int = 0

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "imported": self.imported,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
            "written": self.written,
            "error_count": self.error_count,
            "warning_count": self.warning_count,
            "valid_rows": self.valid_rows,
        }

    def _collect(self, row: ParsedRow) -> None:
        self.error_count += len(row.errors)
        self.warning_count += len(row.warnings)
        room = MAX_LISTED_ERRORS - len(self.errors)
        if room > 0:
            self.errors.extend(row.errors[:room])
        room = MAX_LISTED_ERRORS - len(self.warnings)
        if room > 0:
            self.warnings.extend(row.warnings[:room])


def import_file(ledger: Ledger, path: str, ctx: ImportContext) -> ImportSummary:
    """Parse, check and write one file. All-or-nothing unless ``ctx.valid_only`` (RPT-3).

    Progress (PLT-5) runs twice over the rows: once while reading and checking, once while writing.
    Everything is written in one transaction, so a crash mid-write leaves nothing behind. Errors are
    listed up to MAX_LISTED_ERRORS and counted beyond; rows with errors are let go once counted.
    """
    check_upload(path)
    rows = parse_file(ledger, path, progress=ctx.progress)
    summary = ImportSummary(rows=len(rows))
    ledger.check_rows(rows, ctx)
    valid = []
    for row in rows:
        summary._collect(row)
        if not row.errors:
            valid.append(row)
    del rows
    summary.valid_rows = len(valid)
    if (summary.error_count and not ctx.valid_only) or not valid:
        return summary
    outer = ctx.progress
    if outer is not None:
        half = len(valid)
        outer(half, 2 * half)
        ctx = replace(ctx, progress=lambda done, total: outer(half + done * half // max(total, 1), 2 * half))
    if ledger.write_chunk and connection.vendor == "sqlite" and len(valid) > ledger.write_chunk:
        _write_in_chunks(ledger, valid, ctx, summary)
        return summary
    with transaction.atomic():
        summary.imported = ledger.write(valid, ctx)
        summary.written = True
        _record_import(ledger, ctx, summary)
    return summary


def _record_import(ledger: Ledger, ctx: ImportContext, summary: ImportSummary) -> None:
    audit.record(
        AuditAction.IMPORT,
        actor=ctx.actor,
        org=ctx.org,
        object_type=f"ledger.{ledger.name}",
        object_repr=ledger.title,
        details={"rows": summary.rows, "imported": summary.imported, "errors": summary.error_count},
    )


def _write_in_chunks(ledger: Ledger, valid: list[ParsedRow], ctx: ImportContext, summary: ImportSummary):
    """SQLite: one short transaction per chunk, so other writers (a login, a saved form) wait a moment,
    not for the whole file; when any chunk fails, what the earlier chunks wrote is undone."""
    size = ledger.write_chunk
    progress = ctx.progress
    quiet = replace(ctx, progress=None)
    written: list[ParsedRow] = []
    imported = 0
    try:
        for start in range(0, len(valid), size):
            part = valid[start : start + size]
            with transaction.atomic():
                imported += ledger.write(part, quiet)
            written.extend(part)
            if progress is not None:
                progress(len(written), len(valid))
        summary.imported = imported
        with transaction.atomic():
            _record_import(ledger, ctx, summary)
    except BaseException:
        summary.imported = 0
        for start in range(0, len(written), size):
            with transaction.atomic():
                ledger.undo(written[start : start + size], quiet)
        raise
    summary.written = True


# The kit's resolvers and standard columns live beside the engine (imported last: they build on Column).
from fuqing.core.ledger_kit import (  # noqa: E402
    UNIT_RULE,
    People,
    RecordNumbers,
    UnitResolver,
    collect,
    date_column,
    parse_file_number,
    parse_names,
    parse_record_number,
    parse_year,
    people_column,
    person_column,
    person_name,
    project_column,
    record_number_column,
    reference_column,
    short_number,
    unit_column,
    unit_rule,
    woman_columns,
    year_column,
)

__all__ = [
    "DOCUMENT_FONT",
    "UNIT_RULE",
    "Column",
    "ExportContext",
    "Heading",
    "ImportContext",
    "Ledger",
    "LedgerFileError",
    "ParsedRow",
    "People",
    "RecordNumbers",
    "RowError",
    "UnitResolver",
    "cell_value",
    "collect",
    "date_column",
    "display_width",
    "export_heading",
    "export_to_file",
    "get_ledger",
    "import_file",
    "parse_file_number",
    "parse_names",
    "parse_record_number",
    "parse_year",
    "people_column",
    "person_column",
    "person_name",
    "print_widths",
    "project_column",
    "record_number_column",
    "reference_column",
    "register",
    "sheet_title",
    "short_number",
    "tmp_dir",
    "unit_column",
    "unit_rule",
    "woman_columns",
    "write_xlsx",
    "year_column",
]
