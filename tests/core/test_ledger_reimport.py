"""Re-importing an exported 台账 (issue 11, point 5): the title and particulars lines above the header are
recognised, the rows keep the numbers the user sees in the spreadsheet, and the short record numbers,
units and people's names printed on it read back."""

import datetime

import openpyxl

from fuqing.assistance import services as need_services
from fuqing.assistance.models import Need, NeedCategory
from fuqing.core.ledger import ImportContext, export_to_file, get_ledger, import_file
from fuqing.fieldwork.models import Visit
from fuqing.registry.models import Woman
from tests.fieldwork.conftest import record
from tests.ledger_sheets import heading, table
from tests.registry.conftest import add_woman, new_id

DAY = datetime.date(2014, 4, 15)


def _reimport(name, user, org, seen=None):
    path, _count = export_to_file(get_ledger(name), user, year=2014)
    title = get_ledger(name).title
    assert heading(path)[0] == f"道里区妇联 {title.removesuffix('台账')}台账"
    if seen is not None:
        seen.extend(table(path))
    return import_file(get_ledger(name), path, ImportContext(actor=user, org=org))


def test_rpt3_an_exported_needs_ledger_imports_again(tree, daoli):
    woman = add_woman(daoli, tree.a1a, name="张秀英")
    category = NeedCategory.objects.get(code="employment")
    need_services.create_need(
        daoli,
        org=tree.a1a,
        woman=woman,
        category=category,
        source="visit",
        description="希望就业",
        reported_on=DAY,
    )
    summary = _reimport("needs", daoli, tree.a)
    assert summary.errors == [] and summary.imported == 1
    copy = Need.objects.exclude(pk=Need.objects.order_by("created_at").first().pk).get()
    # found again by her 档案编号 (the name on the 台账 is masked) and the unit by its printed name
    assert copy.woman == woman and copy.org == tree.a1a and copy.description == "希望就业"


def test_rpt3_an_exported_visits_ledger_imports_again(tree, daoli):
    daoli.name = "刘春梅"
    daoli.save(update_fields=["name"])
    record(daoli, start=DAY, place=tree.a1a, women_met=5)
    rows = []
    summary = _reimport("visits", daoli, tree.a, rows)
    lead = rows[1][rows[0].index("带队人")]
    assert lead == "刘春梅"  # her name on the 台账, never her login name, and read back by it
    assert summary.errors == [] and summary.imported == 1
    assert Visit.objects.filter(place=tree.a1a, lead=daoli, started_on=DAY).count() == 2


def test_rpt3_an_edited_womens_ledger_imports_with_the_rows_numbered_as_seen(tree, daoli, tmp_path):
    add_woman(daoli, tree.a1a, name="张秀英")
    path, _count = export_to_file(get_ledger("women"), daoli, year=2014)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[3]]
    sheet.delete_rows(4, sheet.max_row)  # the user clears the printed rows and types new ones
    values = {
        "姓名": "王淑芬",
        "身份证号": new_id(),
        "联系电话": "13900001111",
        "所属社区": "新阳路街道/友谊社区",
    }
    sheet.append([values.get(h) for h in header])
    sheet.append([{"姓名": "李桂兰", "身份证号": "123"}.get(h) for h in header])
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    summary = import_file(get_ledger("women"), str(edited), ImportContext(actor=daoli, org=tree.a))
    assert [(e.row, e.column) for e in summary.errors] == [(5, "身份证号")]  # row 5 as the sheet shows it
    summary = import_file(
        get_ledger("women"), str(edited), ImportContext(actor=daoli, org=tree.a, valid_only=True)
    )
    assert summary.imported == 1 and Woman.objects.get(name="王淑芬").org == tree.a1a
    assert table(path)[0] == header
