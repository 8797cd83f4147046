"""RPT-3: the messy cells of real ledgers — dates in every spelling, full-width digits, stray spaces —
and SEC-10 neutralising of formula cells on export."""

import datetime
from decimal import Decimal

import pytest

from fuqing.core import cells
from fuqing.core.cells import CellError


@pytest.mark.parametrize(
    "raw",
    [
        "2014-4-15",
        "2014.4.15",
        "2014/04/15",
        "2014年4月15日",
        " 2014 年 4 月 15 日 ",
        "２０１４－０４－１５",
        "20140415",
        "2014-04-15 00:00:00",
        "2014/4/15 8:30",
        datetime.datetime(2014, 4, 15, 8, 30),
        datetime.date(2014, 4, 15),
        41744,
        41744.0,
    ],
)
def test_rpt3_dates_in_every_spelling_and_excel_cells(raw):
    assert cells.date(raw) == datetime.date(2014, 4, 15)


@pytest.mark.parametrize(
    ("raw", "message"),
    [("2014-02-30", "不是有效的日期"), ("四月十五", "日期格式无法识别"), (-5, "不是有效的日期")],
)
def test_rpt3_bad_dates_name_the_rule(raw, message):
    with pytest.raises(CellError, match=message):
        cells.date(raw)


def test_rpt3_empty_cells_are_none():
    assert cells.date("") is None and cells.date(None) is None and cells.integer(" ") is None


def test_rpt3_text_is_half_width_with_spaces_collapsed():
    assert cells.text("　张　 丽 ") == "张 丽"
    assert cells.text("ＡＢＣ１２３") == "ABC123"
    assert cells.compact(" 230 102 ") == "230102"
    assert cells.text(13812345678.0) == "13812345678"
    with pytest.raises(CellError, match="不能超过 3 个字符"):
        cells.text("友谊社区", 3)


def test_rpt3_numbers_and_booleans():
    assert cells.integer("1,200") == 1200 and cells.integer(3.0) == 3
    assert cells.decimal("5,000元") == Decimal("5000")
    assert cells.boolean("是") is True and cells.boolean("否") is False and cells.boolean("√") is True
    with pytest.raises(CellError, match="应填“是”或“否”"):
        cells.boolean("也许")


@pytest.mark.parametrize("value", ["=1+1", "+86", "-5", "@SUM(A1)", "\tx"])
def test_sec10_formula_cells_are_neutralised(value):
    assert cells.neutralise(value) == "'" + value


def test_sec10_ordinary_values_stay_as_they_are():
    assert cells.neutralise("张*丽") == "张*丽" and cells.neutralise(5) == 5 and cells.neutralise("") == ""
