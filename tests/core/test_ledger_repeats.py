"""Issue 16: a repeating column's cells are parsed once per distinct value, with the same results and the
same messages as parsing every cell."""

from __future__ import annotations

import pytest

from fuqing.core import cells
from fuqing.core.cells import CellError
from fuqing.core.ledger import Column, _parse_cell


def test_rpt3_a_repeated_cell_gives_the_same_value_or_message_each_time():
    calls = []

    def parse(value):
        calls.append(value)
        return cells.date(value)

    column = Column("registered_on", "登记日期", parse=parse, repeats=True)
    seen: dict = {}
    assert _parse_cell(column, "2014.4.1", seen) == _parse_cell(column, "2014.4.1", seen)
    messages = []
    for _n in range(3):
        with pytest.raises(CellError) as refused:
            _parse_cell(column, "不是日期", seen)
        messages.append(str(refused.value))
    with pytest.raises(CellError) as direct:
        cells.date("不是日期")
    assert messages == [str(direct.value)] * 3
    assert calls == ["2014.4.1", "不是日期"]  # each distinct value parsed once
    _parse_cell(column, 1, seen)
    with pytest.raises(CellError):  # True is not the serial day 1, though 1 == True
        _parse_cell(column, True, seen)


def test_rpt3_rows_never_share_a_parsed_list():
    column = Column("groups", "困难群体", parse=lambda v: cells.text(v).split("、"), repeats=True)
    seen: dict = {}
    first = _parse_cell(column, "留守妇女、失业妇女", seen)
    second = _parse_cell(column, "留守妇女、失业妇女", seen)
    assert first == second and first is not second
    first.append("x")
    assert _parse_cell(column, "留守妇女、失业妇女", seen) == ["留守妇女", "失业妇女"]
