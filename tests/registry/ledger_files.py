"""Building messy ledgers for the import tests, the way real federations keep them."""

from __future__ import annotations

import datetime

import openpyxl

HEADER = ["序号", "名字", "身份证号码", "手机号", "社区（村）", "群体类别", "家庭住址", "登记时间"]


def write_ledger(path, rows, header=HEADER, title="道里区困难妇女花名册（2014年4月）"):
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return str(path)


def with_x(region="230102", birth=datetime.date(1972, 9, 9)):
    """A valid number whose check character is X (to test a lowercase x)."""
    from fuqing.registry.validators import make_id_number

    for seq in range(500):
        number = make_id_number(region, birth, seq)
        if number.endswith("X"):
            return number
    raise AssertionError("no X found")


def fullwidth(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
