"""How a ledger export prints (issue 11, point 5): the 台账 a federation files — a title row, a line of
particulars, a bordered header repeated on every printed page, landscape A4 fitted to the page width,
宋体 throughout, columns wide enough for Chinese text. ``core.ledger`` writes every export through here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
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
) -> int:
    """Write one sheet in constant memory; every text cell is neutralised. Returns the row count.

    With a ``heading`` the sheet is laid out as a printed 台账 (title and particulars lines above the
    header); without one the header is the first row (import files built by tests and tools)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        path,
        {
            "constant_memory": True,
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
    sheet.freeze_panes(top + 1, 0)
    sheet.repeat_rows(top)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # as wide as one page, as long as it takes
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    sheet.set_footer("&C第 &P 页，共 &N 页")
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            value = cell_value(value)
            if value is None or value == "":
                sheet.write_blank(top + count, col, None, body)
            elif isinstance(value, str):
                sheet.write_string(top + count, col, value, body)
            else:
                sheet.write(top + count, col, value, body)
    workbook.close()
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
