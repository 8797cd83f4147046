"""Photos and documents of a visit (FLD-2, SEC-10): type and size checked, stored outside the web
root, served only through a scoped view."""

from __future__ import annotations

import datetime
import io
import uuid
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fuqing.fieldwork import attachments
from fuqing.fieldwork.models import Visit, VisitAttachment
from tests.fieldwork.conftest import record

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"x" * 64


def _docx(extra: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if extra:
            archive.writestr("word/media/big.bin", extra)
    return buffer.getvalue()


def _post(client, tree, user, *files):
    return client.post(
        reverse("fieldwork:visit-add"),
        {
            "id": uuid.uuid4(),
            "started_on": "2014-04-15",
            "method": "home_visit",
            "place": tree.a1a.pk,
            "org": tree.a.pk,
            "lead": user.pk,
            "files": list(files),
        },
    )


def test_fld2_photos_and_documents_are_stored_with_the_visit(tree, colleague, login_as, settings):
    client = login_as(colleague)
    response = _post(
        client,
        tree,
        colleague,
        SimpleUploadedFile("现场.jpg", JPEG, content_type="image/jpeg"),
        SimpleUploadedFile("记录.docx", _docx(), content_type="application/octet-stream"),
        SimpleUploadedFile("报告.pdf", PDF),
    )
    assert response.status_code == 302
    items = {a.name: a for a in VisitAttachment.objects.all()}
    assert set(items) == {"现场.jpg", "记录.docx", "报告.pdf"}
    assert items["现场.jpg"].kind == "image" and items["记录.docx"].kind == "document"
    stored = settings.MEDIA_ROOT / items["现场.jpg"].stored_name
    assert stored.read_bytes() == JPEG
    assert str(stored).startswith(str(settings.MEDIA_ROOT))
    download = client.get(reverse("fieldwork:attachment", args=[items["现场.jpg"].pk]))
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert b"".join(download.streaming_content) == JPEG


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("脚本.exe", b"MZ" + b"\x00" * 64, "照片和附件：“脚本.exe”：只接受 JPG、PNG、GIF、WebP、PDF"),
        ("假图片.png", b"<html><script>alert(1)</script></html>", "不是有效的 PNG 文件，与扩展名 .png 不符"),
        ("改名.pdf", PNG, "不是有效的 PDF 文件，与扩展名 .pdf 不符"),
        ("空.png", b"", "照片和附件：所提交的是空文件"),  # Django's FileField answers first
    ],
)
def test_sec10_files_of_other_types_are_refused_and_nothing_is_saved(
    tree, colleague, login_as, name, data, message
):
    response = _post(login_as(colleague), tree, colleague, SimpleUploadedFile(name, data))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Visit.objects.exists()  # the visit is not saved without its files
    assert not VisitAttachment.objects.exists()


def test_sec10_a_file_over_the_size_limit_is_refused(tree, colleague, login_as, settings):
    settings.UPLOAD_MAX_MB = 1
    big = SimpleUploadedFile("大.png", PNG + b"\x00" * (1024 * 1024))
    response = _post(login_as(colleague), tree, colleague, big)
    assert "照片和附件：“大.png”：文件不能超过 1 MB" in response.content.decode()
    assert not Visit.objects.exists()


def test_sec10_an_archive_bomb_disguised_as_a_document_is_refused():
    bomb = _docx(b"\x00" * (5 * 1024 * 1024))
    with pytest.raises(ValidationError) as caught:
        attachments.POLICY.check(SimpleUploadedFile("炸弹.docx", bomb), many=True)
    assert "压缩炸弹" in caught.value.message_dict["files"][0]


def test_org3_attachments_are_served_only_within_the_scope(tree, colleague, nangang, login_as):
    visit = record(colleague, start=datetime.date(2014, 4, 15), place=tree.a1a)
    item = attachments.add_attachments(colleague, visit, [SimpleUploadedFile("a.png", PNG)])[0]
    assert login_as(nangang).get(reverse("fieldwork:attachment", args=[item.pk])).status_code == 404
    assert login_as(colleague).get(reverse("fieldwork:attachment", args=[item.pk])).status_code == 200


def test_sec10_media_files_have_no_public_url(tree, colleague, client):
    visit = record(colleague, start=datetime.date(2014, 4, 15), place=tree.a1a)
    item = attachments.add_attachments(colleague, visit, [SimpleUploadedFile("a.png", PNG)])[0]
    assert client.get(f"/media/{item.stored_name}").status_code in (302, 404)


def test_fld2_deleting_an_attachment_removes_the_file(
    tree, colleague, login_as, settings, django_capture_on_commit_callbacks
):
    visit = record(colleague, start=datetime.date(2014, 4, 15), place=tree.a1a)
    item = attachments.add_attachments(colleague, visit, [SimpleUploadedFile("a.png", PNG)])[0]
    path = settings.MEDIA_ROOT / item.stored_name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = login_as(colleague).post(reverse("fieldwork:attachment-delete", args=[item.pk]))
    assert response.status_code == 302
    assert not VisitAttachment.objects.exists()
    assert not path.exists()


def test_fld2_deleting_a_visit_removes_its_files(
    tree, colleague, login_as, settings, django_capture_on_commit_callbacks
):
    visit = record(colleague, start=datetime.date(2014, 4, 15), place=tree.a1a)
    item = attachments.add_attachments(colleague, visit, [SimpleUploadedFile("a.png", PNG)])[0]
    with django_capture_on_commit_callbacks(execute=True):
        login_as(colleague).post(reverse("fieldwork:visit-delete", args=[visit.pk]))
    assert not (settings.MEDIA_ROOT / item.stored_name).exists()
