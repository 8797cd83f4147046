"""Issue 11 point 2 for organisation building: its ledgers stand on the ledger kit — the standard
columns from the column factories, units read by the one UnitResolver (a foreign unit is "not found"),
lookups in check_rows in bulk whatever the number of rows, and an export and an import for the Homes'
activities and the work conditions like the other building registers."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fuqing.building import services
from fuqing.building.models import HomeActivity, WorkCondition
from fuqing.core.ledger import ImportContext, ParsedRow, export_to_file, get_ledger, import_file
from tests.scoped_factories.building import home, session

IMPORTABLE = (
    "building_homes",
    "building_home_activities",
    "building_groups",
    "building_teams",
    "building_attendance",
    "building_conditions",
)


def _rows(name, count, tree, names):
    units = ["新阳路街道/友谊社区", "230102002", "道里区妇联", "新阳路街道"]
    rows = []
    for i in range(count):
        unit = units[i % len(units)]
        values = {
            "building_homes": {"org": unit, "name": f"之家{i}", "address": "路", "setting": None},
            "building_home_activities": {
                "org": "新阳路街道/友谊社区",
                "home": names["home"],
                "held_on": datetime.date(2014, 5, 1),
                "theme": f"活动{i}",
                "attendance": 10,
            },
            "building_groups": {
                "org": unit,
                "name": f"小组{i}",
                "kind": "village",
                "leader": "F00000000000" + str(i % 10),
            },
            "building_teams": {"org": unit, "held_on": datetime.date(2012, 1, 1 + i % 28), "term_years": 5},
            "building_attendance": {
                "org": unit,
                "name": f"学员{i}",
                "held_on": names["session"].held_on,
                "topic": names["session"].topic,
                "position": "",
                "hours": None,
            },
            "building_conditions": {"org": unit, "year": 2000 + i % 100, "funding": Decimal(1000)},
        }[name]
        rows.append(ParsedRow(number=i + 2, values=values))
    return rows


@pytest.mark.parametrize("name", IMPORTABLE)
def test_issue11_check_rows_looks_up_in_bulk_whatever_the_number_of_rows(name, tree, daoli):
    names = {"home": home(tree.a1a, "友谊社区妇女之家").name, "session": session(tree.a, "业务培训")}
    ledger = get_ledger(name)
    ledger.check_rows(
        _rows(name, 1, tree, names), ImportContext(actor=daoli, org=tree.a)
    )  # her scope, cached
    counts = []
    for count in (4, 120):
        rows = _rows(name, count, tree, names)
        ctx = ImportContext(actor=daoli, org=tree.a)
        with CaptureQueriesContext(connection) as queries:
            ledger.check_rows(rows, ctx)
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{name}: {counts[0]} queries for 4 rows, {counts[1]} for 120"


def test_issue11_a_unit_outside_the_import_is_not_found(tree, daoli):
    for name in IMPORTABLE:
        ledger = get_ledger(name)
        rows = [ParsedRow(number=2, values={"org": "花园街道", "name": "x"}), ParsedRow(3, {"org": "230200"})]
        ledger.check_rows(rows, ImportContext(actor=daoli, org=tree.a))
        for row in rows:
            units = [e for e in row.errors if e.column == "单位"]
            assert units and units[0].message.startswith(f"在“道里区妇联”之下找不到“{row.values['org']}”"), (
                name,
                row.errors,
            )


def test_issue11_home_activities_export_and_import_through_the_service(tree, daoli, nangang):
    h = home(tree.a1a, "友谊社区妇女之家")
    services.add_activity(daoli, h, held_on=datetime.date(2014, 5, 10), theme="家庭教育讲座", attendance=25)
    ledger = get_ledger("building_home_activities")
    path, count = export_to_file(ledger, daoli)
    assert count == 1
    HomeActivity.objects.all().delete()
    summary = import_file(ledger, path, ImportContext(actor=daoli, org=tree.a))
    assert summary.written, summary.as_dict()
    activity = HomeActivity.objects.get()
    assert (activity.home, activity.theme, activity.attendance, activity.year) == (
        h,
        "家庭教育讲座",
        25,
        2014,
    )
    # another district's cadre: the unit is not under her import's unit — nothing written
    summary = import_file(ledger, path, ImportContext(actor=nangang, org=tree.b))
    assert not summary.written and HomeActivity.objects.count() == 1
    assert "找不到" in summary.errors[0].message


def test_issue11_work_conditions_export_and_import_replace_the_years_record(tree, daoli):
    services.save_condition(
        daoli, tree.a1, year=2014, funding=Decimal("20000"), funding_in_budget=True, venue_area=60
    )
    ledger = get_ledger("building_conditions")
    path, count = export_to_file(ledger, daoli)
    assert count == 1
    WorkCondition.objects.all().delete()
    summary = import_file(ledger, path, ImportContext(actor=daoli, org=tree.a))
    assert summary.written, summary.as_dict()
    condition = WorkCondition.objects.get()
    assert (condition.org, condition.year, condition.funding) == (tree.a1, 2014, Decimal("20000"))
    assert condition.funding_in_budget and condition.venue_area == 60
    # a department is no federation unit: the service's rule, under the unit's column
    rows = [ParsedRow(2, {"org": "研究室", "year": 2014})]
    get_ledger("building_conditions").check_rows(rows, ImportContext(actor=daoli, org=tree.city))
    assert rows[0].errors and rows[0].errors[0].column == "单位"
