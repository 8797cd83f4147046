"""How a ledger export prints (issue 11, point 5): the 台账 a federation files — a title row, a line of
particulars, a bordered header repeated on every printed page, landscape A4 fitted to the page width,
宋体 throughout, columns wide enough for Chinese text. ``core.ledger`` writes every export through here.
"""

from __future__ import annotations

import datetime
import math
import os
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core import cells

if TYPE_CHECKING:
    from fuqing.core.ledger import Ledger


def cell_value(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    return cells.neutralise(value)


# The printed 台账 (issue 11, point 5): 宋体 throughout, a title row and a line naming the unit, the
# campaign year, the date of export and the masking note above a bordered header that repeats on every
# printed page; landscape A4 scaled to the page width, long text wrapped in columns no wider than
# PRINT_MAX_WIDTH. Imports skip the title rows (``parse_file`` looks for the header below them).
DOCUMENT_FONT = "宋体"
PRINT_MAX_WIDTH = 30


@dataclass(frozen=True)
class Heading:
    """The lines above a ledger's header: its title and the line of particulars."""

    title: str
    particulars: str = ""


def display_width(text: str) -> int:
    """Columns a text needs in a spreadsheet: a Chinese character is as wide as two Latin ones."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(text))


def print_widths(headers: list[str], widths: list[int]) -> list[int]:
    """Each column as wide as its register says, at least wide enough for its header, at most
    PRINT_MAX_WIDTH (longer text wraps), so the whole row fits across a landscape page."""
    return [
        max(min(width, PRINT_MAX_WIDTH), min(display_width(h) + 2, PRINT_MAX_WIDTH))
        for h, width in zip(headers, widths, strict=True)
    ]


def write_xlsx(
    path: str,
    title: str,
    headers: list[str],
    rows: Iterable[list],
    widths: list[int],
    heading: Heading | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write one sheet in constant memory; every text cell is neutralised. Returns the row count.

    With a ``heading`` the sheet is laid out as a printed 台账 (title and particulars lines above the
    header); without one the header is the first row (import files built by tests and tools).

    xlsxwriter lays the sheet out (fonts, borders, the repeated header, page set-up) with the header
    only; the data rows are then streamed into its sheet XML as inline strings in the body cells' style
    (``_SheetRows``), about ten times faster than a cell-by-cell ``write`` (issue 16, point 2).
    ``progress(rows_written)`` is called every ``PROGRESS_EVERY`` rows.
    """
    import xlsxwriter

    layout = path + ".layout"
    workbook = xlsxwriter.Workbook(
        layout,
        {
            "strings_to_formulas": False,
            "default_format_properties": {"font_name": DOCUMENT_FONT, "font_size": 10},
        },
    )
    sheet = workbook.add_worksheet(title[:31])
    font = {"font_name": DOCUMENT_FONT}
    head = workbook.add_format(
        {
            **font,
            "bold": True,
            "bg_color": "#F2F2F2",
            "border": 1,
            "text_wrap": True,
            "align": "center",
            "valign": "vcenter",
        }
    )
    body = workbook.add_format({**font, "border": 1, "text_wrap": True, "valign": "top"})
    widths = print_widths(headers, widths)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    top = 0
    last = max(len(headers) - 1, 0)
    if heading is not None:
        title_format = workbook.add_format(
            {**font, "bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}
        )
        line_format = workbook.add_format({**font, "font_size": 10, "align": "left", "valign": "vcenter"})
        sheet.set_row(0, 30)
        _merged(sheet, 0, last, heading.title, title_format)
        _merged(sheet, 1, last, heading.particulars, line_format)
        top = 2
    for col, header in enumerate(headers):
        sheet.write_string(top, col, header, head)
    sheet.write_blank(top + 1, 0, None, body)  # marks the body style; removed when the rows go in
    sheet.freeze_panes(top + 1, 0)
    sheet.repeat_rows(top)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # as wide as one page, as long as it takes
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    sheet.set_footer("&C第 &P 页，共 &N 页")
    workbook.close()
    try:
        return _SheetRows(top + 1, len(headers)).fill(layout, path, rows, progress)
    finally:
        os.remove(layout)


PROGRESS_EVERY = 5000
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_XML_SPECIAL = re.compile("[&<>\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET = "xl/worksheets/sheet1.xml"


def _illegal(match) -> str:  # Excel's own escape for a character XML cannot hold
    return f"_x{ord(match.group()):04X}_"


class _SheetRows:
    """Streams data rows into the sheet xlsxwriter laid out: its XML is copied up to the marker row, the
    rows are written as ``<c t="inlineStr">`` cells in the marker's style, then the rest is copied."""

    def __init__(self, first_row: int, width: int):
        self.first = first_row + 1  # 1-based, as the XML counts
        self.letters: list[str] = []
        self._grow(max(width, 1))

    def _grow(self, width: int) -> None:
        from xlsxwriter.utility import xl_col_to_name

        self.letters.extend(xl_col_to_name(c) for c in range(len(self.letters), width))

    @staticmethod
    def cell(ref: str, value, style: str) -> str:
        if type(value) is str:  # the common case first: text, neutralised (SEC-10) and escaped
            if not value:
                return f'<c r="{ref}"{style}/>'
            if value[0] in "=+-@\t\r":
                value = "'" + value
        else:
            value = cell_value(value)
            if value is None or value == "":
                return f'<c r="{ref}"{style}/>'
            if isinstance(value, bool):
                return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
            if isinstance(value, int | float | Decimal) and math.isfinite(value):
                return f'<c r="{ref}"{style}><v>{value}</v></c>'
            value = str(value)
        if _XML_SPECIAL.search(value):
            value = _XML_ILLEGAL.sub(_illegal, value.translate(_XML_ESCAPES))
        space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{value}</t></is></c>'

    def fill(self, layout: str, path: str, rows: Iterable[list], progress) -> int:
        with zipfile.ZipFile(layout) as source:
            xml = source.read(_SHEET).decode()
            marker = re.search(rf'<row r="{self.first}"[^>]*>.*?</row>', xml)
            style = re.search(r' s="\d+"', marker.group()) if marker else None
            style = style.group() if style else ""
            head, tail = xml[: marker.start()], xml[marker.end() :]
            count = 0
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
                for info in source.infolist():
                    if info.filename != _SHEET:
                        target.writestr(info, source.read(info.filename), zipfile.ZIP_DEFLATED)
                        continue
                    with target.open(_SHEET, "w", force_zip64=True) as out:
                        count = self._write(out, head, tail, rows, style, progress)
        return count

    def _write(self, out, head: str, tail: str, rows, style: str, progress) -> int:
        # the sheet's size is not known before the last row: the optional <dimension> is left out
        out.write(re.sub(r"<dimension [^>]*/>", "", head, count=1).encode())
        letters, cell = self.letters, self.cell
        number = self.first - 1
        batch: list[str] = []
        count = 0
        for count, row in enumerate(rows, start=1):
            number += 1
            if len(row) > len(letters):
                self._grow(len(row))
            batch.append(
                f'<row r="{number}">'
                + "".join([cell(f"{letters[i]}{number}", v, style) for i, v in enumerate(row)])
                + "</row>"
            )
            if count % PROGRESS_EVERY == 0:
                out.write("".join(batch).encode())
                batch = []
                if progress is not None:
                    progress(count)
        out.write("".join(batch).encode())
        out.write(tail.encode())
        if progress is not None:
            progress(count)
        return count


def _merged(sheet, row: int, last: int, text: str, fmt) -> None:
    if last > 0:
        sheet.merge_range(row, 0, row, last, text, fmt)
    else:
        sheet.write_string(row, 0, text, fmt)


def sheet_title(ledger: Ledger) -> str:
    return ledger.title if ledger.title.endswith("台账") else f"{ledger.title}台账"


def export_heading(ledger: Ledger, user, year: int | None = None, unmasked: bool = False) -> Heading:
    """ "道里区妇联 妇女档案台账", then 单位 / 年度 / 导出日期 / 导出人 / the masking note."""
    unit = user.org.name if getattr(user, "org_id", None) else ""
    parts = [_("单位：%(u)s") % {"u": unit}] if unit else []
    if year:
        parts.append(_("活动年度：%(y)s年") % {"y": year})
    parts.append(_("导出日期：%(d)s") % {"d": timezone.localdate().strftime("%Y年%m月%d日")})
    person = getattr(user, "name", "") or ""
    if person:
        parts.append(_("导出人：%(n)s") % {"n": person})
    note = ledger.masking_note(unmasked)
    if note:
        parts.append(note)
    return Heading(title=f"{unit} {sheet_title(ledger)}".strip(), particulars="　　".join(parts))
