"""Issue 10, points 10 and 14: imports are bounded and every job ends.

Errors are listed up to a cap and counted beyond it; a sheet of empty rows says "no data rows"; a file
over the row limit is refused; big sheets are streamed; a job whose code raises — or whose result cannot be
saved, or whose worker is interrupted — ends failed with a message; the same file imported twice at once
gets a clear message; a spooled import file is removed when its job ends.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from fuqing.core import jobs, ledger
from fuqing.core.ledger import ImportContext, LedgerFileError, get_ledger, import_file, parse_file
from fuqing.core.models import Job
from fuqing.registry.models import Woman
from tests.registry.conftest import new_id
from tests.registry.ledger_files import write_ledger

HEADER = ["序号", "姓名", "身份证号", "电话", "所属社区"]


def _bad_rows(n: int) -> list[list]:
    return [[i, "王丽", "123", "", "友谊社区"] for i in range(1, n + 1)]


def _upload(client, path, valid_only=False, org=None):
    data = {"file": SimpleUploadedFile("台账.xlsx", Path(path).read_bytes()), "org": str(org)}
    if valid_only:
        data["valid_only"] = "on"
    return client.post("/ledgers/women/import/", data)


@pytest.fixture
def spool_dir(settings):
    return Path(settings.VAR_DIR) / "uploads"


# --- errors capped -----------------------------------------------------------------------------------


def test_sec10_import_errors_are_listed_up_to_the_cap_and_counted_beyond(tree, daoli, tmp_path):
    path = write_ledger(tmp_path / "bad.xlsx", _bad_rows(1500), header=HEADER, title=None)
    summary = import_file(get_ledger("women"), path, ImportContext(actor=daoli, org=tree.a))
    assert not summary.written and Woman.objects.count() == 0
    assert len(summary.errors) == ledger.MAX_LISTED_ERRORS == 1000
    assert summary.error_count == 1500 and summary.as_dict()["error_count"] == 1500
    assert summary.errors[0].row == 2 and summary.errors[-1].row == 1001  # the first ones, in order


def test_sec10_the_job_page_shows_the_full_count_of_capped_errors(
    tree, daoli, login_as, tmp_path, django_capture_on_commit_callbacks
):
    path = write_ledger(tmp_path / "bad.xlsx", _bad_rows(1500), header=HEADER, title=None)
    client = login_as(daoli)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, path, org=tree.a.pk)
    job = Job.objects.get()
    assert job.status == "succeeded" and len(job.result["errors"]) == 1000
    page = client.get(response.url).content.decode()
    assert "1500 处错误" in page and "共 1500 处" in page


# --- no data rows, too many rows, streamed reading ------------------------------------------------------


def _sheet_of_empty_rows(path, rows: int) -> str:
    """A header, then ``rows`` rows whose cells hold only spaces (what a cleared template looks like)."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    for n in range(1, rows + 1):
        sheet.write_string(n, 1, " ")
        sheet.write_string(n, 2, "  ")
    book.close()
    return str(path)


def test_sec10_a_sheet_of_many_empty_rows_says_no_data_rows(
    tree, daoli, login_as, tmp_path, django_capture_on_commit_callbacks
):
    path = _sheet_of_empty_rows(tmp_path / "empty.xlsx", 50_000)
    with pytest.raises(LedgerFileError, match="没有数据行"):
        import_file(get_ledger("women"), path, ImportContext(actor=daoli, org=tree.a))
    client = login_as(daoli)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, path, org=tree.a.pk)
    job = Job.objects.get()
    assert job.status == "failed" and "没有数据行" in job.error and "有错误" not in job.error


def test_sec10_a_file_over_the_row_limit_is_refused_before_it_is_read_whole(tree, daoli, settings, tmp_path):
    settings.IMPORT_MAX_ROWS = 50
    path = write_ledger(tmp_path / "big.xlsx", _bad_rows(80), header=HEADER, title=None)
    with pytest.raises(LedgerFileError, match="超过 50 行"):
        import_file(get_ledger("women"), path, ImportContext(actor=daoli, org=tree.a))


def test_sec10_big_sheets_are_streamed_row_by_row_with_the_same_result(tree, monkeypatch, tmp_path):
    rows = [
        [1, "王丽", new_id(), "13800001111", "友谊社区"],
        ["", "", "", "", ""],
        [3, "李娜", "123", "", ""],
    ]
    path = write_ledger(tmp_path / "s.xlsx", rows, header=HEADER)
    loaded = [(r.number, r.values.get("name"), len(r.errors)) for r in parse_file(get_ledger("women"), path)]
    monkeypatch.setattr(ledger, "CALAMINE_MAX_UNPACKED", 10)  # every sheet now counts as big
    monkeypatch.setattr(ledger, "_first_sheet", lambda path: pytest.fail("the whole sheet was loaded"))
    streamed = [
        (r.number, r.values.get("name"), len(r.errors)) for r in parse_file(get_ledger("women"), path)
    ]
    assert streamed == loaded == [(3, "王丽", 0), (5, "李娜", 1)]


def test_sec10_a_file_with_an_oversized_string_table_is_refused(tree, monkeypatch, tmp_path):
    path = str(tmp_path / "s.xlsx")
    book = xlsxwriter.Workbook(path)  # not constant_memory: texts go to the shared-strings table
    book.add_worksheet().write_row(0, 0, HEADER)
    book.close()
    monkeypatch.setattr(ledger, "SHARED_STRINGS_MAX_UNPACKED", 10)
    with pytest.raises(LedgerFileError, match="文字内容过多"):
        parse_file(get_ledger("women"), path)


# --- every job ends -----------------------------------------------------------------------------------


@jobs.handler("test_unsavable")
def _unsavable(job, progress):
    return {"rows": object()}  # cannot be stored: saving the result raises (as a MemoryError would)


@jobs.handler("test_interrupted")
def _interrupted(job, progress):
    raise KeyboardInterrupt


@jobs.handler("test_raises")
def _raises(job, progress):
    raise MemoryError


def test_sec10_a_job_whose_result_cannot_be_saved_ends_failed_with_a_message(daoli):
    job = Job.objects.create(org=daoli.org, user=daoli, kind="test_unsavable", title="结果过大")
    jobs.run(job)
    job.refresh_from_db()
    assert job.status == "failed" and "结果无法保存" in job.error and job.finished_at


def test_sec10_a_job_whose_code_raises_ends_failed_with_a_message(daoli):
    job = Job.objects.create(org=daoli.org, user=daoli, kind="test_raises", title="内存不足")
    jobs.run(job)
    job.refresh_from_db()
    assert job.status == "failed" and job.error == "任务执行失败，请联系系统管理员。"


def test_sec10_an_interrupted_job_ends_failed_and_the_interruption_goes_on(daoli):
    job = Job.objects.create(org=daoli.org, user=daoli, kind="test_interrupted", title="被中断")
    with pytest.raises(KeyboardInterrupt):
        jobs.run(job)
    job.refresh_from_db()
    assert job.status == "failed" and "中断" in job.error


# --- one import of a file at a time -------------------------------------------------------------------


def test_sec10_the_same_file_imported_twice_at_once_gets_a_clear_message(
    tree, daoli, login_as, tmp_path, spool_dir
):
    path = write_ledger(tmp_path / "g.xlsx", [[1, "王丽", new_id(), "", "友谊社区"]], header=HEADER)
    client = login_as(daoli)
    first = _upload(client, path, org=tree.a.pk)  # queued: the worker has not picked it up yet
    assert first.status_code == 302
    second = _upload(client, path, org=tree.a.pk)
    assert second.status_code == 200 and "同一个文件正在导入中" in second.content.decode()
    assert Job.objects.count() == 1 and len(list(spool_dir.iterdir())) == 1  # the loser's copy is gone


def test_sec10_the_api_answers_409_to_the_same_file_imported_twice_at_once(tree, daoli, client, tmp_path):
    from tests.research.conftest import token_for

    path = write_ledger(tmp_path / "g.xlsx", [[1, "王丽", new_id(), "", "友谊社区"]], header=HEADER)
    headers = {"Authorization": f"Bearer {token_for(daoli)}"}

    def post():
        data = {"file": SimpleUploadedFile("g.xlsx", Path(path).read_bytes()), "org": "230102"}
        return client.post("/api/v1/imports/women/", data, headers=headers)

    assert post().status_code == 202
    second = post()
    assert second.status_code == 409 and "同一个文件正在导入中" in second.json()["detail"]


def test_sec10_choosing_valid_rows_only_twice_starts_one_import(
    tree, daoli, login_as, tmp_path, django_capture_on_commit_callbacks
):
    rows = [[1, "王丽", new_id(), "", "友谊社区"], [2, "李娜", "123", "", "友谊社区"]]
    path = write_ledger(tmp_path / "m.xlsx", rows, header=HEADER)
    client = login_as(daoli)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, path, org=tree.a.pk)
    job = Job.objects.get()
    assert job.result["error_count"] == 1 and os.path.exists(job.input_file)  # kept for the choice
    first = client.post(f"/jobs/{job.pk}/valid-only/")
    second = client.post(f"/jobs/{job.pk}/valid-only/", follow=True)
    assert first.status_code == 302 and Job.objects.count() == 2
    assert "已经在导入或已过期" in second.content.decode()


# --- spooled files removed when the job ends ----------------------------------------------------------


def _run_upload(client, path, tree, capture, **kwargs):
    with capture(execute=True):
        _upload(client, path, org=tree.a.pk, **kwargs)
    return Job.objects.order_by("-created_at").first()


def test_sec10_the_spooled_file_is_removed_when_the_import_succeeds(
    tree, daoli, login_as, tmp_path, spool_dir, django_capture_on_commit_callbacks
):
    path = write_ledger(tmp_path / "g.xlsx", [[1, "王丽", new_id(), "", "友谊社区"]], header=HEADER)
    job = _run_upload(login_as(daoli), path, tree, django_capture_on_commit_callbacks)
    assert job.status == "succeeded" and job.result["imported"] == 1
    assert job.input_file == "" and list(spool_dir.iterdir()) == []


def test_sec10_the_spooled_file_is_removed_when_the_import_fails(
    tree, daoli, login_as, tmp_path, spool_dir, django_capture_on_commit_callbacks
):
    path = write_ledger(tmp_path / "h.xlsx", [["王丽"]], header=["姓名"])  # the ID number column is missing
    job = _run_upload(login_as(daoli), path, tree, django_capture_on_commit_callbacks)
    assert job.status == "failed" and "身份证号" in job.error
    assert list(spool_dir.iterdir()) == []


def test_sec10_the_spooled_file_is_removed_when_the_import_is_cancelled(
    tree, daoli, login_as, tmp_path, spool_dir, monkeypatch
):
    path = write_ledger(tmp_path / "g.xlsx", [[1, "王丽", new_id(), "", "友谊社区"]], header=HEADER)
    _upload(login_as(daoli), path, org=tree.a.pk)  # queued
    job = Job.objects.get()
    assert len(list(spool_dir.iterdir())) == 1

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # the worker is stopped while the import runs

    monkeypatch.setattr("fuqing.core.ledger_jobs.import_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        jobs.run(job)
    job.refresh_from_db()
    assert job.status == "failed" and list(spool_dir.iterdir()) == []


def test_sec10_a_file_kept_for_the_valid_rows_choice_is_removed_when_that_import_ends(
    tree, daoli, login_as, tmp_path, spool_dir, django_capture_on_commit_callbacks
):
    rows = [[1, "王丽", new_id(), "", "友谊社区"], [2, "李娜", "123", "", "友谊社区"]]
    path = write_ledger(tmp_path / "m.xlsx", rows, header=HEADER)
    client = login_as(daoli)
    first = _run_upload(client, path, tree, django_capture_on_commit_callbacks)
    assert len(list(spool_dir.iterdir())) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/jobs/{first.pk}/valid-only/")
    second = Job.objects.exclude(pk=first.pk).get()
    assert second.status == "succeeded" and second.result["imported"] == 1
    assert list(spool_dir.iterdir()) == []


def test_sec10_a_file_kept_for_the_valid_rows_choice_is_removed_after_a_day(daoli, settings):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    path = Path(settings.VAR_DIR) / "kept.xlsx"
    path.write_bytes(b"x")
    job = Job.objects.create(
        org=daoli.org,
        user=daoli,
        kind="ledger_import",
        title="有错误",
        status="succeeded",
        input_file=str(path),
    )
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - datetime.timedelta(hours=25))
    call_command("prune_jobs", "--days", "30")
    job.refresh_from_db()
    assert not path.exists() and job.input_file == ""


def test_sec10_a_job_whose_worker_died_ends_failed_when_looked_at(daoli, login_as, settings):
    import datetime

    from django.utils import timezone

    path = Path(settings.VAR_DIR) / "spooled.xlsx"
    path.write_bytes(b"x")
    job = Job.objects.create(
        org=daoli.org,
        user=daoli,
        kind="ledger_import",
        title="被终止",
        status="running",
        input_file=str(path),
    )
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=7))
    page = login_as(daoli).get(f"/jobs/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert job.status == "failed" and "任务中断" in page and "hx-trigger" not in page
    assert not path.exists()
