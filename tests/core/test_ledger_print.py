"""Ledgers look like the 台账 a federation prints (issue 11, point 5), checked the way a user sees them:
the exported .xlsx converted to PDF by LibreOffice and its pages read back with pdftotext."""

import io

import openpyxl
import pytest
from django.urls import reverse

from fuqing.core.ledger import display_width
from tests.office import pdf_page_sizes, pdf_pages, require_office, to_pdf
from tests.registry.conftest import add_woman

HEADERS = ["档案编号", "姓名", "身份证号", "年龄", "联系电话", "所属社区", "困难群体", "住址", "家庭情况"]
HEADERS += ["健康状况", "健康信息同意", "登记日期", "状态"]


@pytest.fixture
def exported(tree, daoli, login_as, tmp_path):
    daoli.name = "刘春梅"
    daoli.save(update_fields=["name"])
    for n in range(70):
        add_woman(daoli, tree.a1a, name="刘春梅" if n % 2 else "王淑芬", address=f"友谊路 {n} 号")
    response = login_as(daoli).get(reverse("ledger-export-women"), {"year": 2014})
    path = tmp_path / "妇女档案.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    return path


def test_rpt2_the_sheet_is_laid_out_for_printing(exported):
    book = openpyxl.load_workbook(io.BytesIO(exported.read_bytes()))
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "道里区妇联 妇女档案台账"
    particulars = sheet["A2"].value
    assert "单位：道里区妇联" in particulars and "活动年度：2014年" in particulars
    assert "导出日期：" in particulars and "导出人：刘春梅" in particulars and "已脱敏" in particulars
    assert [c.value for c in sheet[3]] == HEADERS
    assert sheet.print_title_rows == "$3:$3"  # the header repeats on every printed page
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and str(setup.paperSize) == "9"  # A4
    # as wide as one page (fitToWidth defaults to 1 when absent), as long as it takes
    assert (
        sheet.sheet_properties.pageSetUpPr.fitToPage
        and setup.fitToWidth in (None, 1)
        and setup.fitToHeight == 0
    )
    assert {sheet.cell(row, 1).font.name for row in (1, 2, 3, 4)} == {"宋体"}
    assert sheet["A3"].border.left.style == "thin" and sheet["B4"].border.bottom.style == "thin"
    for col, header in enumerate(HEADERS, start=1):  # every header fits its column
        width = sheet.column_dimensions[openpyxl.utils.get_column_letter(col)].width
        assert width >= display_width(header)


def test_rpt2_the_printed_ledger_reads_as_a_taizhang(exported, tmp_path):
    require_office()
    pdf = to_pdf(exported, tmp_path / "pdf")
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    assert "道里区妇联 妇女档案台账" in pages[0] and "导出人：刘春梅" in pages[0]
    assert "道里区妇联 妇女档案台账" not in pages[1]  # the title once, the header on every page
    for page in pages[:2]:
        line = next(line for line in page.splitlines() if "档案编号" in line)
        assert all(h in line for h in ("档案编号", "姓名", "身份证号", "所属社区", "登记日期", "状态"))
    assert "刘*梅" in pages[0] and "王*芬" in pages[1]  # masked names, readable Chinese
    assert "刘春梅" not in pages[1]
    width, height = pdf_page_sizes(pdf)[0]
    assert width > height and round(width) in range(838, 846)  # landscape A4, every column on it
