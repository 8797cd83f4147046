"""The ledger engine (RPT-2, RPT-3, PLT-5, SEC-10) as every register uses it: headers found under their
variants, title rows skipped, warnings reported, progress through reading and writing."""

import pytest
from django.db import connection, transaction

from fuqing.core.ledger import (
    ImportContext,
    LedgerFileError,
    export_to_file,
    get_ledger,
    import_file,
    normalise_header,
    parse_file,
)
from fuqing.core.ledger_jobs import CommittedProgress
from tests.registry.conftest import new_id
from tests.registry.ledger_files import write_ledger


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        (" 身份证号码* ", "身份证号码"),
        ("社区（村）", "社区(村)"),
        ("姓名(必填)", "姓名"),
        ("手机号（选填）", "手机号"),
        ("ＩＤ", "id"),
    ],
)
def test_rpt3_header_variants_normalise(variant, canonical):
    assert normalise_header(variant) == normalise_header(canonical)


@pytest.mark.parametrize(
    "headers",
    [
        ["姓名", "身份证号", "联系电话", "所属社区", "困难群体"],
        ["名字", "身份证号码", "手机号", "社区(村)", "困难类型"],
        ["姓 名", "公民身份号码", "电话", "所属社区（村）", "群体类别"],
    ],
)
def test_rpt3_every_header_variant_maps_to_its_column(tree, headers, tmp_path):
    path = write_ledger(
        tmp_path / "h.xlsx",
        [["王丽", new_id(), "13800001111", "友谊社区", "留守妇女"]],
        header=headers,
        title=None,
    )
    rows = parse_file(get_ledger("women"), path)
    assert rows[0].errors == []
    values = rows[0].values
    assert values["name"] == "王丽" and values["phone"] == "13800001111" and values["groups"] == ["留守妇女"]
    assert values["org"] == "友谊社区"


def test_rpt3_title_rows_above_the_header_and_empty_rows_are_skipped(tree, tmp_path):
    path = write_ledger(
        tmp_path / "t.xlsx", [["王丽", new_id()], ["", ""], ["李娜", new_id()]], header=["姓名", "身份证号"]
    )
    rows = parse_file(get_ledger("women"), path)
    assert [r.number for r in rows] == [3, 5]


def test_rpt3_a_missing_required_column_is_named(tree, tmp_path):
    path = write_ledger(tmp_path / "m.xlsx", [["王丽"]], header=["姓名"], title=None)
    with pytest.raises(LedgerFileError, match="表头缺少必填列：身份证号"):
        parse_file(get_ledger("women"), path)


def test_rpt3_warnings_do_not_block_and_are_reported(tree, daoli, tmp_path):
    rows = [["王丽", new_id(), "13800001111"], ["王丽", new_id(), "13800001111"]]
    path = write_ledger(tmp_path / "w.xlsx", rows, header=["姓名", "身份证号", "电话"], title=None)
    summary = import_file(get_ledger("women"), path, ImportContext(actor=daoli, org=tree.a))
    assert summary.written and summary.as_dict()["warnings"][0]["row"] == 3


def test_rpt2_exports_stream_through_the_registers_rows_hook(tree, daoli):
    _path, count = export_to_file(get_ledger("orgs"), daoli)
    assert count == 3  # A, A1, A1a: the user's subtree and nothing else


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_plt5_progress_outside_a_transaction_goes_straight_to_the_job():
    seen = []
    reporter = CommittedProgress(job=None, progress=lambda d, t: seen.append((d, t)))
    reporter(5, 10)
    assert seen == [(5, 10)]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite: one writer at a time")
def test_plt5_on_sqlite_progress_waits_for_the_commit(db):
    seen = []
    reporter = CommittedProgress(job=None, progress=lambda d, t: seen.append((d, t)))
    with transaction.atomic():
        reporter(5, 10)
    assert seen == [] and reporter.side is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_plt5_on_postgresql_progress_is_visible_while_the_import_transaction_is_open(tree, daoli):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from fuqing.core.models import Job

    job = Job.objects.create(user=daoli, org=tree.a, kind="ledger_import", title="t")
    reporter = CommittedProgress(job=job, progress=lambda d, t: None, every=0)
    with transaction.atomic():
        reporter(40, 100)
        reporter.close()
        # another session (the job page) sees the progress although this transaction is still open
        from django.db import connections

        other = connections.create_connection("default")
        with other.cursor() as cursor:
            cursor.execute("SELECT progress, total FROM core_job WHERE id = %s", [job.pk])
            assert cursor.fetchone() == (40, 100)
        other.close()
