"""Reading an exported 台账 in tests: the title and particulars lines stand above the header; ``table``
gives the header row and the data rows below it, as lists."""

from __future__ import annotations

import io

import openpyxl


def _content(source) -> io.BytesIO | str:
    if hasattr(source, "streaming_content"):
        return io.BytesIO(b"".join(source.streaming_content))
    if hasattr(source, "content"):
        return io.BytesIO(source.content)
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    return str(source)


def _lone(row) -> bool:
    values = [v for v in row if v not in (None, "")]
    return len(values) == 1 and row[0] not in (None, "")


def all_rows(source, sheet: int = 0) -> list[list]:
    book = openpyxl.load_workbook(_content(source), read_only=True)
    try:
        return [list(r) for r in book.worksheets[sheet].iter_rows(values_only=True)]
    finally:
        book.close()


def heading(source) -> list[str]:
    """The title and particulars lines of an exported 台账 (empty when the sheet has none)."""
    rows = all_rows(source)
    return [r[0] for r in rows[:2]] if len(rows) > 2 and _lone(rows[0]) and _lone(rows[1]) else []


def table(source, sheet: int = 0) -> list[list]:
    """The header and data rows of an exported sheet, the title lines above them left out."""
    rows = all_rows(source, sheet)
    if len(rows) > 2 and _lone(rows[0]) and _lone(rows[1]):
        return rows[2:]
    return rows
