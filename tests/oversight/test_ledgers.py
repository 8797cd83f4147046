"""Issue 11 point 2 for assessment: the oversight ledgers stand on the ledger kit — the standard
columns from the factories (people printed by their names), units read by the one UnitResolver (a
foreign unit is "not found"), check_rows in bulk, and the publicity register imports as it exports."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fuqing.core.ledger import ImportContext, ParsedRow, export_to_file, get_ledger, import_file
from fuqing.oversight.models import PublicityItem
from fuqing.oversight.services import cases, inspectors
from tests.ledger_sheets import table
from tests.oversight.conftest import need
from tests.oversight.test_cases import _case


def test_issue11_publicity_exports_and_imports_with_its_case(tree, daoli):
    case = _case(daoli, tree.a, need(tree.a1a))
    cases.add_publicity(
        daoli, org=tree.a1, media="新晚报", published_on=datetime.date(2014, 5, 1), title="报道一", case=case
    )
    cases.add_publicity(
        daoli,
        org=tree.a,
        media="日报",
        published_on=datetime.date(2014, 5, 2),
        title="报道二",
        link="https://example.org/a",
        activity="走访",
    )
    ledger = get_ledger("oversight_publicity")
    path, count = export_to_file(ledger, daoli)
    assert count == 2
    PublicityItem.objects.all().delete()
    summary = import_file(ledger, path, ImportContext(actor=daoli, org=tree.a))
    assert summary.written, summary.as_dict()
    one, two = PublicityItem.objects.order_by("published_on")
    assert (one.org, one.case, one.activity, one.year) == (tree.a1, case, "", 2014)
    assert (two.org, two.case, two.activity, two.link) == (tree.a, None, "走访", "https://example.org/a")


def test_issue11_publicity_rows_are_checked_by_the_services_rules_and_the_one_unit_rule(tree, daoli):
    rows = [
        ParsedRow(
            2, {"org": "花园街道", "published_on": datetime.date(2014, 5, 1), "media": "报", "title": "t"}
        ),
        ParsedRow(
            3, {"org": "230200", "published_on": datetime.date(2014, 5, 1), "media": "报", "title": "t"}
        ),
        ParsedRow(
            4,
            {
                "org": "道里区/新阳路街道",
                "published_on": datetime.date(2014, 5, 1),
                "media": "报",
                "title": "t",
                "link": "javascript:alert(1)",
                "about": "走访",
            },
        ),
    ]
    get_ledger("oversight_publicity").check_rows(rows, ImportContext(actor=daoli, org=tree.a))
    assert rows[0].errors[0].column == "单位"
    assert rows[0].errors[0].message.startswith("在“道里区妇联”之下找不到“花园街道”。")
    assert rows[1].errors[0].message.startswith("在“道里区妇联”之下找不到“230200”。")
    assert [(e.column, e.message[:3]) for e in rows[2].errors] == [("链接", "链接：")]
    assert rows[2].values["_org"] == tree.a1


def test_issue11_publicity_check_rows_looks_up_in_bulk(tree, daoli):
    ledger = get_ledger("oversight_publicity")

    def rows(count):
        units = ("新阳路街道", "230102002", "道里区妇联", "新阳路街道/友谊社区")
        return [
            ParsedRow(
                i + 2,
                {
                    "org": units[i % 4],
                    "published_on": datetime.date(2014, 5, 1),
                    "media": "报",
                    "title": f"t{i}",
                    "about": f"活动{i}",
                },
            )
            for i in range(count)
        ]

    ledger.check_rows(rows(1), ImportContext(actor=daoli, org=tree.a))  # her scope, cached
    counts = []
    for count in (4, 150):
        with CaptureQueriesContext(connection) as queries:
            ledger.check_rows(rows(count), ImportContext(actor=daoli, org=tree.a))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_issue11_the_scores_ledger_names_the_inspector_and_the_unit(
    scheme, inspected, assigned, tree, city_leader
):
    inspectors.score(assigned, inspected, tree.a, points="17.5", comment="宣传有专栏", evidence_note="记录")
    _path, count = export_to_file(get_ledger("oversight_scores"), city_leader)
    rows = table(_path)
    header, first = rows[0], rows[1]
    assert count == 1
    assert first[header.index("评分人")] == "孙立新"  # her name, never the login "inspector"
    assert first[header.index("被考核单位")] == "道里区妇联" and first[header.index("年度")] == 2014
