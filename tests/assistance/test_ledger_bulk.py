"""Lookups in an import's ``check_rows`` are done in bulk (issue 11, point 2): the number of queries is
the same for 20 rows as for 400 — one per column, never one per row."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fuqing.core.ledger import ImportContext, get_ledger, parse_file, short_number, write_xlsx
from fuqing.core.scoping import user_scope
from tests.conftest import make_user
from tests.registry.conftest import add_woman

NEEDS = ["所属单位", "档案编号", "妇女姓名", "类别", "来源", "诉求描述", "反映日期", "承办人"]
ACTIONS = ["诉求编号", "服务类型", "金额（元）", "提供人", "提供单位", "日期"]


def _women(daoli, tree):
    return [add_woman(daoli, tree.a1a, name=name) for name in ("张秀英", "王淑芬", "李桂兰")]


def _needs_file(tmp_path, women, n):
    rows = []
    for i in range(n):
        woman = women[i % 3]
        by_number = i % 2 == 0
        rows.append(
            [
                ["友谊社区", "新阳路街道/友谊社区", "230102002", ""][i % 4],
                woman.file_number if by_number else "",
                "" if by_number else woman.name,
                "就业",
                "走访",
                f"诉求 {i}",
                "2014-04-15",
                ["刘春梅", "赵桂兰", ""][i % 3],
            ]
        )
    path = str(tmp_path / f"needs{n}.xlsx")
    write_xlsx(path, "t", NEEDS, rows, [12] * len(NEEDS))
    return path


def _check(name, path, ctx):
    ledger = get_ledger(name)
    rows = parse_file(ledger, path)
    with CaptureQueriesContext(connection) as queries:
        ledger.check_rows(rows, ctx)
    return rows, len(queries)


def test_rpt3_needs_import_checks_in_a_fixed_number_of_queries(
    tree, daoli, tmp_path, django_assert_max_num_queries
):
    make_user(tree.a, "leader", username="liucm", name="刘春梅")
    make_user(tree.a, "leader", username="zhaogl", name="赵桂兰")
    women = _women(daoli, tree)
    user_scope(daoli)
    ctx = ImportContext(actor=daoli, org=tree.a)
    small, small_queries = _check("needs", _needs_file(tmp_path, women, 20), ctx)
    assert all(not r.errors for r in small), [e.message for r in small for e in r.errors]
    big_path = _needs_file(tmp_path, women, 400)
    ledger = get_ledger("needs")
    rows = parse_file(ledger, big_path)
    with django_assert_max_num_queries(12):
        ledger.check_rows(rows, ctx)
    assert all(not r.errors for r in rows)
    assert len(rows) == 400 and _check("needs", big_path, ctx)[1] == small_queries


def test_rpt3_actions_import_finds_needs_by_short_number_in_bulk(tree, daoli, tmp_path, categories):
    from fuqing.assistance import services

    women = _women(daoli, tree)
    needs = [
        services.create_need(
            daoli,
            org=tree.a1a,
            woman=w,
            category=categories["employment"],
            source="visit",
            description="就业",
            reported_on=datetime.date(2014, 4, 15),
        )
        for w in women
    ]
    user_scope(daoli)
    ctx = ImportContext(actor=daoli, org=tree.a)

    def file(n):
        rows = [[short_number(needs[i % 3].pk), "政策", "", "", "道里区妇联", "2014-05-06"] for i in range(n)]
        path = str(tmp_path / f"actions{n}.xlsx")
        write_xlsx(path, "t", ACTIONS, rows, [12] * len(ACTIONS))
        return path

    small, small_queries = _check("actions", file(10), ctx)
    assert all(not r.errors for r in small), [e.message for r in small for e in r.errors]
    big, big_queries = _check("actions", file(300), ctx)
    assert all(not r.errors for r in big) and big_queries == small_queries
    assert {r.values["_data"]["need"] for r in big} == set(needs)
