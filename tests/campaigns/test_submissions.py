"""CAM-2 / SEC-10: units upload what they owe (type and size checked, stored outside the web root,
served through a scoped view); a new version replaces the current one and history stays; timeliness
is judged by the first submission."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from fuqing.campaigns.errors import codes
from fuqing.campaigns.models import ObligationStatus, Submission
from fuqing.campaigns.submissions import submit_document
from fuqing.core.models import AuditEvent, Reminder
from tests.campaigns.conftest import at, docx, obligation

TODAY = datetime.date(2014, 9, 1)


def test_cam2_submission_before_the_deadline_is_on_time(tree, survey, daoli):
    owed = obligation(survey, tree.a)
    submission = submit_document(daoli, owed, docx(), at=at("2014-05-10", 17))
    owed.refresh_from_db()
    assert owed.status(TODAY) == ObligationStatus.ON_TIME
    assert owed.days_late == 0 and submission.version == 1 and submission.is_current
    assert submission.is_late is False


def test_cam2_submission_after_the_deadline_is_late_with_days_late(tree, survey, daoli):
    owed = obligation(survey, tree.a)
    submit_document(daoli, owed, docx(), at=at("2014-05-13"))
    owed.refresh_from_db()
    assert owed.status(TODAY) == ObligationStatus.LATE
    assert owed.days_late == 3


def test_cam2_nothing_submitted_is_missing_after_the_deadline_and_pending_before(tree, survey):
    owed = obligation(survey, tree.a)
    assert owed.status(datetime.date(2014, 5, 11)) == ObligationStatus.MISSING
    assert owed.status(datetime.date(2014, 5, 10)) == ObligationStatus.PENDING


def test_cam2_deadline_day_ends_at_midnight_in_shanghai(tree, survey, daoli):
    owed = obligation(survey, tree.a)
    # 23:30 on 10 May in Harbin is 15:30 UTC: still on time
    submit_document(daoli, owed, docx(), at=datetime.datetime(2014, 5, 10, 15, 30, tzinfo=datetime.UTC))
    owed.refresh_from_db()
    assert owed.first_submitted_on == datetime.date(2014, 5, 10)


def test_cam2_replacement_keeps_history_and_the_first_submission_decides_timeliness(tree, survey, daoli):
    owed = obligation(survey, tree.a)
    first = submit_document(daoli, owed, docx("初稿.docx"), at=at("2014-05-09"))
    second = submit_document(daoli, owed, docx("修改稿.docx"), note="补充数据", at=at("2014-05-15"))
    owed.refresh_from_db()
    first.refresh_from_db()
    assert (first.is_current, second.is_current, second.version) == (False, True, 2)
    assert owed.versions == 2 and owed.status(TODAY) == ObligationStatus.ON_TIME
    assert owed.last_submitted_at == at("2014-05-15")
    assert list(owed.submissions.order_by("version").values_list("file_name", flat=True)) == [
        "初稿.docx",
        "修改稿.docx",
    ]


def test_cam2_submission_file_lives_outside_the_web_root(tree, survey, daoli):
    submission = submit_document(daoli, obligation(survey, tree.a), docx())
    path = submission.absolute_path()
    assert path.is_file() and Path(settings.VAR_DIR) / "private" in path.parents
    assert not str(path).startswith(str(settings.STATIC_ROOT)) and not str(path).startswith(
        str(settings.MEDIA_ROOT)
    )
    assert len(submission.sha256) == 64 and submission.file_size == path.stat().st_size


def test_cam2_submission_is_audited_without_file_contents(tree, survey, daoli):
    submission = submit_document(daoli, obligation(survey, tree.a), docx(), at=at("2014-05-12"))
    event = AuditEvent.objects.get(object_type="campaigns.submission", object_id=str(submission.pk))
    assert event.details == {"deadline": "survey-summary", "version": 1, "late": True}


def test_cam2_submitting_resolves_the_units_reminders(tree, survey, daoli):
    from fuqing.campaigns.reminders import generate_reminders

    generate_reminders(datetime.date(2014, 5, 5))
    assert Reminder.objects.filter(user=daoli).active().count() == 1
    submit_document(daoli, obligation(survey, tree.a), docx())
    assert Reminder.objects.filter(user=daoli).active().count() == 0


@pytest.mark.parametrize(
    ("name", "content", "text"),
    [
        ("总结.exe", b"MZ....", "只接受 Word、WPS、PDF 文件（docx、doc、wps、pdf）"),
        ("总结.docx", b"", "文件是空的"),
        ("总结.docx", b"not a zip at all", "不是有效的 Word 文件，与扩展名 .docx 不符"),
        ("总结.pdf", b"PK\x03\x04 pretending", "不是有效的 PDF 文件，与扩展名 .pdf 不符"),
        ("总结.doc", b"%PDF-1.4 renamed", "不是有效的 Word 文件，与扩展名 .doc 不符"),
    ],
)
def test_sec10_submission_type_is_checked_by_name_and_content(tree, survey, daoli, name, content, text):
    with pytest.raises(ValidationError) as caught:
        submit_document(daoli, obligation(survey, tree.a), SimpleUploadedFile(name, content))
    assert text in caught.value.message_dict["file"][0]
    assert codes(caught.value)["file"] in (["SEC-10"],)
    assert not Submission.objects.exists()


def test_sec10_an_xlsx_renamed_docx_is_refused(tree, survey, daoli):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ValidationError) as caught:
        submit_document(daoli, obligation(survey, tree.a), SimpleUploadedFile("a.docx", buffer.getvalue()))
    assert "不是有效的 Word 文件" in caught.value.message_dict["file"][0]


def test_sec10_an_archive_bomb_is_refused(tree, survey, daoli):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "0" * 5_000_000)
    with pytest.raises(ValidationError) as caught:
        submit_document(daoli, obligation(survey, tree.a), SimpleUploadedFile("a.docx", buffer.getvalue()))
    assert "压缩炸弹" in caught.value.message_dict["file"][0]


def test_sec10_a_file_over_the_size_limit_is_refused(tree, survey, daoli, settings):
    settings.UPLOAD_MAX_MB = 1
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError) as caught:
        submit_document(daoli, obligation(survey, tree.a), big)
    assert "文件不能超过 1 MB" in caught.value.message_dict["file"][0]


def test_cam2_a_failed_write_leaves_no_file_behind(tree, survey, daoli, monkeypatch):
    from fuqing.campaigns import submissions

    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(submissions, "_record", boom)
    with pytest.raises(RuntimeError):
        submit_document(daoli, obligation(survey, tree.a), docx())
    private = Path(settings.VAR_DIR) / "private" / "submissions"
    assert not any(p.is_file() for p in private.rglob("*"))


def test_cam2_read_only_scope_cannot_submit_for_a_district(tree, survey, researcher):
    with pytest.raises(PermissionDenied):
        submit_document(researcher, obligation(survey, tree.a), docx())


def test_cam2_a_unit_no_longer_owing_cannot_submit(tree, survey, daoli):
    owed = obligation(survey, tree.a)
    owed.is_owed = False
    owed.save()
    with pytest.raises(ValidationError) as caught:
        submit_document(daoli, owed, docx())
    assert "无需报送" in caught.value.message_dict["file"][0]


# --- pages ----------------------------------------------------------------------------------------


def test_cam2_unit_uploads_through_its_obligation_page(tree, survey, daoli, login_as):
    client = login_as(daoli)
    owed = obligation(survey, tree.a)
    page = client.get(f"/campaigns/obligations/{owed.pk}/")
    assert "上传报送材料" in page.content.decode()
    response = client.post(f"/campaigns/obligations/{owed.pk}/submit/", {"file": docx(), "note": "第一版"})
    assert response.status_code == 302
    page = client.get(f"/campaigns/obligations/{owed.pk}/").content.decode()
    assert "第 1 版" in page and "总结.docx" in page and "第一版" in page


def test_cam2_bad_upload_shows_the_rule_beside_the_field(tree, survey, daoli, login_as):
    client = login_as(daoli)
    owed = obligation(survey, tree.a)
    response = client.post(
        f"/campaigns/obligations/{owed.pk}/submit/", {"file": SimpleUploadedFile("a.txt", b"hello")}
    )
    assert response.status_code == 200
    assert "报送文件：只接受 Word、WPS、PDF 文件" in response.content.decode()


def test_cam2_download_is_served_through_the_scoped_view(tree, survey, daoli, nangang, city_leader, login_as):
    submission = submit_document(daoli, obligation(survey, tree.a), docx("道里总结.docx"))
    url = f"/campaigns/submissions/{submission.pk}/file/"
    response = login_as(city_leader).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "no-store"
    assert login_as(nangang).get(url).status_code == 404


def test_cam2_sibling_district_cannot_open_or_submit_anothers_obligation(tree, survey, nangang, login_as):
    client = login_as(nangang)
    owed = obligation(survey, tree.a)
    assert client.get(f"/campaigns/obligations/{owed.pk}/").status_code == 404
    assert client.post(f"/campaigns/obligations/{owed.pk}/submit/", {"file": docx()}).status_code == 404
    assert not Submission.objects.exists()


def test_cam2_researcher_reads_but_cannot_submit(tree, survey, researcher, login_as):
    client = login_as(researcher)
    owed = obligation(survey, tree.a)
    page = client.get(f"/campaigns/obligations/{owed.pk}/")
    assert page.status_code == 200 and "上传报送材料" not in page.content.decode()
    assert client.post(f"/campaigns/obligations/{owed.pk}/submit/", {"file": docx()}).status_code == 403


@freeze_time("2014-05-05")
def test_cam2_plan_deadline_points_to_the_plans_page(tree, campaign, sysadmin, daoli, login_as):
    from fuqing.campaigns.models import Deadline
    from fuqing.campaigns.services import save_deadline

    deadline = save_deadline(
        sysadmin,
        Deadline(campaign=campaign),
        code="plan",
        name="实施方案",
        due_on=datetime.date(2014, 4, 20),
        kind="plan",
        owed_by_kinds=["district"],
    )
    owed = obligation(deadline, tree.a)
    page = login_as(daoli).get(f"/campaigns/obligations/{owed.pk}/").content.decode()
    assert "该事项以实施方案报送" in page and "上传报送材料" not in page
    with pytest.raises(ValidationError):
        submit_document(daoli, owed, docx())
