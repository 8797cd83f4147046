"""RPT-3 / PLT-5 / SEC-10: importing the women's register from messy real ledgers, all-or-nothing by
default, valid rows only on request, errors by row and column in Chinese, nothing half-written."""

import datetime
import json
import zipfile
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from fuqing.core.ledger import ImportContext, LedgerFileError, check_upload, get_ledger, import_file
from fuqing.core.models import AuditEvent, Job
from fuqing.registry import importing
from fuqing.registry.models import Consent, Woman, WomanEvent
from tests.registry.conftest import add_woman, new_id
from tests.registry.ledger_files import fullwidth, with_x, write_ledger


def _import(path, user, org, valid_only=False):
    return import_file(get_ledger("women"), path, ImportContext(actor=user, org=org, valid_only=valid_only))


def test_rpt3_messy_ledgers_import_dates_digits_x_spaces_and_header_variants(tree, daoli, tmp_path):
    x_number = with_x()
    rows = [
        [
            1,
            " 张 秀丽 ",
            fullwidth(x_number[:-1]) + "x",
            "１３８ １２３４ ５６７８",
            "友谊社区",
            "留守妇女、失业",
            "友谊路 1 号",
            "2014-4-15",
        ],
        [2, "李桂兰", new_id(), "0451-86661234", "新阳路街道/友谊社区", "失地妇女", "", "2014.4.15"],
        [3, "王玉凤", new_id(), "", " 友谊社区 ", "", "", "2014/04/15"],
        [4, "刘春梅", new_id(), "13900001111", "", "高龄空巢妇女，留守", "", "2014年4月15日"],
        [5, "赵雪", new_id(), "13900002222", "友谊社区", "流动妇女", "", datetime.datetime(2014, 4, 15)],
        [6, "孙丽", " " + new_id() + " ", 13900003333, "友谊社区", "", "", 41744],
    ]
    path = write_ledger(tmp_path / "messy.xlsx", rows)
    summary = _import(path, daoli, tree.a)
    assert summary.errors == [] and summary.imported == 6 and summary.written
    women = {w.name: w for w in Woman.objects.all()}
    assert set(women) == {"张秀丽", "李桂兰", "王玉凤", "刘春梅", "赵雪", "孙丽"}
    assert women["张秀丽"].id_number == x_number and women["张秀丽"].phone == "13812345678"
    assert {g.code for g in women["张秀丽"].groups.all()} == {"left-behind", "unemployed"}
    assert women["李桂兰"].org == tree.a1a and women["刘春梅"].org == tree.a  # blank: the import's unit
    assert {w.registered_on for w in women.values()} == {datetime.date(2014, 4, 15)}
    assert women["孙丽"].phone == "13900003333"
    assert {w.source for w in women.values()} == {"import"} and WomanEvent.objects.count() == 0
    assert AuditEvent.objects.get(action="import").details == {"rows": 6, "imported": 6, "errors": 0}


def test_rpt3_every_row_is_checked_and_errors_name_row_and_column_in_chinese(tree, daoli, nangang, tmp_path):
    mine = add_woman(daoli, tree.a1a)
    theirs = add_woman(nangang, tree.b1)
    repeated = new_id()
    rows = [
        [1, "周丽", "230102198005170020", "13800000000", "友谊社区", "", "", "2014-04-15"],  # bad checksum
        [2, "吴燕", new_id(), "12345", "友谊社区", "", "", "2014-04-15"],
        [3, "郑梅", new_id(), "", "不存在社区", "", "", "2014-04-15"],
        [4, "冯娟", new_id(), "", "友谊社区", "贫困户", "", "2014-04-15"],
        [5, "陈静", new_id(), "", "友谊社区", "", "", "2014-13-45"],
        [6, "褚芳", repeated, "", "友谊社区", "", "", ""],
        [7, "卫红", repeated, "", "友谊社区", "", "", ""],
        [8, "蒋玲", mine.id_number, "", "友谊社区", "", "", ""],
        [9, "沈霞", theirs.id_number, "", "友谊社区", "", "", ""],
        [10, "韩萍", new_id(female=False), "", "友谊社区", "", "", ""],
        [11, "", new_id(), "", "友谊社区", "", "", ""],
        [12, "杨琳", new_id(), "", "友谊社区", "", "", ""],  # the only valid row
    ]
    path = write_ledger(tmp_path / "bad.xlsx", rows)
    summary = _import(path, daoli, tree.a)
    by_row = {(e.row, e.column): e.message for e in summary.errors}
    assert not summary.written and summary.imported == 0 and Woman.objects.count() == 2
    assert "校验位不符" in by_row[(3, "身份证号")]
    assert "11 位手机号" in by_row[(4, "联系电话")]
    assert "找不到“不存在社区”" in by_row[(5, "所属社区")]
    assert "未知的困难群体“贫困户”" in by_row[(6, "困难群体")]
    assert "不是有效的日期" in by_row[(7, "登记日期")]
    assert "与第 8 行的身份证号重复" in by_row[(9, "身份证号")]
    assert f"已登记（档案编号 {mine.file_number}）" in by_row[(10, "身份证号")]
    assert "管理范围以外" in by_row[(11, "身份证号")] and theirs.file_number not in by_row[(11, "身份证号")]
    assert "表示男性" in by_row[(12, "身份证号")]
    assert by_row[(13, "姓名")] == "必填，不能为空。"
    assert not any(e.row == 14 for e in summary.errors)
    # the user chooses to import the valid rows only
    summary = _import(path, daoli, tree.a, valid_only=True)
    assert summary.written and summary.imported == 2  # 杨琳 and the first of the repeated pair (褚芳)
    assert set(Woman.objects.values_list("name", flat=True)) >= {"杨琳", "褚芳"}


def test_rpt3_a_mans_number_imports_when_confirmed_and_health_needs_consent(tree, daoli, tmp_path):
    header = ["姓名", "公民身份号码", "所属社区(村)", "健康状况", "健康信息同意", "确认登记"]
    rows = [
        ["韩萍", new_id(female=False), "友谊社区", "", "", "是"],
        ["钱芳", new_id(), "友谊社区", "高血压", "是", ""],
        ["孙燕", new_id(), "友谊社区", "糖尿病", "否", ""],
    ]
    path = write_ledger(tmp_path / "h.xlsx", rows, header=header, title=None)
    summary = _import(path, daoli, tree.a, valid_only=True)
    assert [(e.row, e.column) for e in summary.errors] == [(4, "健康状况")]
    assert summary.imported == 2
    assert Consent.objects.get().woman.name == "钱芳"
    assert Woman.objects.get(name="钱芳").health_notes == "高血压"


def test_rpt3_likely_duplicates_within_the_file_are_reported(tree, daoli, tmp_path):
    rows = [
        [1, "王丽", new_id(), "13800001111", "友谊社区", "", "", ""],
        [2, "王丽", new_id(), "13800001111", "友谊社区", "", "", ""],
    ]
    summary = _import(write_ledger(tmp_path / "d.xlsx", rows), daoli, tree.a)
    assert summary.written and [w.row for w in summary.warnings] == [4]
    assert "可能是同一人" in summary.warnings[0].message


def test_rpt3_a_crash_mid_write_leaves_nothing_half_written(tree, daoli, tmp_path, monkeypatch):
    rows = [[n, f"王{'甲乙丙丁戊己庚辛'[n]}", new_id(), "", "友谊社区", "", "", ""] for n in range(8)]
    path = write_ledger(tmp_path / "crash.xlsx", rows)
    monkeypatch.setattr(importing, "CHUNK", 3)
    original = Woman.refresh_derived

    def explode(self):
        if self.name == "王庚":  # the seventh row: two chunks of three are written by then
            raise RuntimeError("disk full")
        original(self)

    monkeypatch.setattr(Woman, "refresh_derived", explode)
    written = []
    original_bulk = Woman.objects.bulk_create

    def counting(objs, **kwargs):
        written.extend(objs)
        return original_bulk(objs, **kwargs)

    monkeypatch.setattr(Woman.objects, "bulk_create", counting)
    if connection.vendor == "postgresql":  # written by COPY: the crash comes as the third chunk starts
        monkeypatch.setattr(importing, "COPY_CHUNK", 3)
        sealing = importing.encrypt_many
        calls = []

        def crash_on_third_chunk(values):
            calls.append(1)
            if len(calls) == 7:  # three columns a chunk: two chunks went in before this one
                written.extend(Woman.objects.all())  # what the open transaction holds by then
                raise RuntimeError("disk full")
            return sealing(values)

        monkeypatch.setattr(importing, "encrypt_many", crash_on_third_chunk)
    with pytest.raises(RuntimeError):
        _import(path, daoli, tree.a)
    assert len(written) == 6  # the crash came after two chunks reached the database
    assert Woman.objects.count() == 0 and WomanEvent.objects.count() == 0
    assert not AuditEvent.objects.filter(action="import").exists()


def test_plt5_the_page_runs_the_import_as_a_job_with_its_summary(
    tree, daoli, login_as, tmp_path, django_capture_on_commit_callbacks
):
    rows = [[1, "王丽", new_id(), "", "友谊社区", "", "", ""], [2, "李娜", "bad", "", "友谊社区", "", "", ""]]
    path = write_ledger(tmp_path / "page.xlsx", rows)
    client = login_as(daoli)
    with open(path, "rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ledger-import-women"), {"file": handle, "org": tree.a.pk})
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == "succeeded"
    assert job.result["written"] is False and job.result["errors"][0]["row"] == 4
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "没有导入任何数据" in page and "身份证号" in page and "只导入没有错误的行" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("job-valid-only", args=[job.pk]))
    assert list(Woman.objects.values_list("name", flat=True)) == ["王丽"]
    rerun = Job.objects.exclude(pk=job.pk).get()
    assert rerun.percent == 100 and rerun.result["imported"] == 1


def test_plt5_progress_is_reported_while_reading_and_writing(tree, daoli, tmp_path):
    rows = [
        [n, f"王{'甲乙丙丁戊'[n % 5]}{'一二三四五六七八九十'[n // 5]}", new_id(), "", "", "", "", ""]
        for n in range(40)
    ]
    path = write_ledger(tmp_path / "p.xlsx", rows)
    seen = []
    ctx = ImportContext(actor=daoli, org=tree.a, progress=lambda done, total: seen.append((done, total)))
    import_file(get_ledger("women"), path, ctx)
    assert seen[-1] == (80, 80) and seen[0][0] <= 40 and all(t == 80 for _d, t in seen)


def test_rpt3_the_command_prints_a_json_summary(tree, daoli, tmp_path):
    good = write_ledger(tmp_path / "g.xlsx", [[1, "王丽", new_id(), "", "友谊社区", "", "", ""]])
    out = StringIO()
    call_command(
        "import_ledger", "women", good, "--org", "230102", "--user", "daoli", stdout=out, stderr=StringIO()
    )
    assert json.loads(out.getvalue()) == {
        "rows": 1,
        "imported": 1,
        "errors": [],
        "warnings": [],
        "written": True,
        "error_count": 0,
        "warning_count": 0,
        "valid_rows": 1,
    }
    bad = write_ledger(
        tmp_path / "b.xlsx",
        [[1, "李娜", "123", "", "友谊社区", "", "", ""], [2, "赵敏", new_id(), "", "", "", "", ""]],
    )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_ledger", "women", bad, "--org", "230102", "--user", "daoli", stdout=out, stderr=StringIO()
        )
    result = json.loads(out.getvalue())
    assert result["imported"] == 0 and result["errors"][0] == {
        "row": 3,
        "column": "身份证号",
        "message": "身份证号应为 18 位（GB 11643），现为 3 位。",
    }
    out = StringIO()
    call_command(
        "import_ledger",
        "women",
        bad,
        "--org",
        "230102",
        "--user",
        "daoli",
        "--valid-only",
        stdout=out,
        stderr=StringIO(),
    )
    assert json.loads(out.getvalue())["imported"] == 1


def test_rpt3_the_api_imports_as_a_job_and_reports_its_summary(
    tree, daoli, client, tmp_path, django_capture_on_commit_callbacks
):
    from tests.core.test_access_matrix import _token

    token = _token(daoli)
    path = write_ledger(tmp_path / "api.xlsx", [[1, "王丽", new_id(), "", "友谊社区", "", "", ""]])
    with open(path, "rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/women/",
            {"file": handle, "org": "230102", "valid_only": "false"},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    assert response.status_code == 202
    job_id = response.json()["id"]
    job = client.get(f"/api/v1/jobs/{job_id}/", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert job["status"] == "succeeded" and job["percent"] == 100
    assert job["result"]["imported"] == 1 and job["result"]["errors"] == []
    other = _token(__import__("tests.conftest", fromlist=["make_user"]).make_user(tree.b, "leader"))
    assert client.get(f"/api/v1/jobs/{job_id}/", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404


def test_sec10_uploads_are_checked_for_type_size_and_archive_bombs(tree, daoli, tmp_path, settings):
    not_excel = tmp_path / "old.xls"
    not_excel.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(LedgerFileError, match="Excel 文件：只接受 Excel 文件（xlsx）"):
        check_upload(str(not_excel))
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (30 * 1024 * 1024))
    assert bomb.stat().st_size < 100 * 1024
    with pytest.raises(LedgerFileError, match="压缩炸弹"):
        check_upload(str(bomb))
    settings.UPLOAD_MAX_MB = 1
    big = tmp_path / "big.xlsx"
    big.write_bytes(b"PK\x03\x04" + b"\0" * (2 * 1024 * 1024))
    with pytest.raises(LedgerFileError, match="超过 1 MB"):
        check_upload(str(big))


def test_sec10_the_page_refuses_a_bomb_beside_the_field(tree, daoli, login_as, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (30 * 1024 * 1024))
    with open(bomb, "rb") as handle:
        response = login_as(daoli).post(reverse("ledger-import-women"), {"file": handle, "org": tree.a.pk})
    assert (
        response.status_code == 200 and "压缩炸弹" in response.content.decode() and not Job.objects.exists()
    )


def test_rpt3_the_template_lists_every_column_with_its_rule(tree, daoli, login_as):
    response = login_as(daoli).get(reverse("ledger-template-women"))
    book = openpyxl.load_workbook(__import__("io").BytesIO(b"".join(response.streaming_content)))
    header = [c.value for c in book.worksheets[0][1]]
    assert header[:4] == ["姓名", "身份证号", "联系电话", "所属社区"] and "档案编号" not in header
    notes = "\n".join(str(c) for row in book["说明"].iter_rows(values_only=True) for c in row if c)
    assert "身份证号码、公民身份号码" in notes and "困难类型、群体类别" in notes and "2014年4月15日" in notes


def test_rpt3_the_job_page_lists_likely_duplicates_as_warnings(
    tree, daoli, login_as, tmp_path, django_capture_on_commit_callbacks
):
    rows = [
        [1, "王丽", new_id(), "13800001111", "", "", "", ""],
        [2, "王丽", new_id(), "13800001111", "", "", "", ""],
    ]
    path = write_ledger(tmp_path / "w.xlsx", rows)
    client = login_as(daoli)
    with open(path, "rb") as handle, django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ledger-import-women"), {"file": handle, "org": tree.a.pk})
    page = client.get(reverse("job-detail", args=[Job.objects.get().pk])).content.decode()
    assert "已导入 2 行" in page and "1 处提示（不影响导入）" in page and "可能是同一人" in page
