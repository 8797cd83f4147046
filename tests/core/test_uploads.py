"""SEC-10: every upload passes the same rules (core.uploads), each refusal naming the field and the rule."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fuqing.core import uploads
from fuqing.core.uploads import UploadError

PDF = b"%PDF-1.4\n" + b"x" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 64
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64
HTML = b"<html><script>alert(1)</script></html>"


def _zip(*parts: str, filler: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in parts:
            archive.writestr(part, "<x/>")
        if filler:
            archive.writestr("filler.bin", filler)
    return buffer.getvalue()


DOCX = _zip("[Content_Types].xml", "word/document.xml")
XLSX = _zip("[Content_Types].xml", "xl/workbook.xml")
OFD = _zip("OFD.xml", "Doc_0/Document.xml")


def refusal(policy, name, data, **kwargs) -> UploadError:
    with pytest.raises(UploadError) as caught:
        policy.check(SimpleUploadedFile(name, data), **kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("policy", "name", "data"),
    [
        (uploads.DOCUMENTS, "总结.docx", DOCX),
        (uploads.DOCUMENTS, "总结.PDF", PDF),
        (uploads.DOCUMENTS, "旧.doc", OLE),
        (uploads.DOCUMENTS, "金山.wps", OLE),
        (uploads.ATTACHMENTS, "分工.xlsx", XLSX),
        (uploads.ATTACHMENTS, "照片.jpeg", JPEG),
        (uploads.VISIT_FILES, "现场.gif", GIF),
        (uploads.VISIT_FILES, "现场.webp", WEBP),
        (uploads.VISIT_FILES, "现场.png", PNG),
        (uploads.SUGGESTION_DOCUMENTS, "答复.ofd", OFD),
        (uploads.SPREADSHEETS, "台账.xlsx", XLSX),
    ],
)
def test_sec10_a_good_file_passes_with_its_type(policy, name, data):
    kind = policy.check(SimpleUploadedFile(name, data))
    assert kind.extension == os.path.splitext(name)[1].lower()


def test_sec10_a_wrong_extension_names_the_field_and_the_accepted_types():
    error = refusal(uploads.ATTACHMENTS, "病毒.exe", EXE)
    assert error.message_dict == {
        "file": [
            "只接受 Word、WPS、PDF、Excel、JPG、PNG 文件（docx、doc、wps、pdf、xlsx、xls、jpg、jpeg、png）。"
        ]
    }
    assert str(error).startswith("附件：只接受 Word、WPS、PDF、Excel、JPG、PNG 文件")
    assert error.error_dict["file"][0].code == "SEC-10"


def test_sec10_gif_is_a_visit_photo_but_not_a_plan_attachment():
    uploads.VISIT_FILES.check(SimpleUploadedFile("a.gif", GIF))
    assert "只接受" in str(refusal(uploads.ATTACHMENTS, "a.gif", GIF))


@pytest.mark.parametrize(
    ("policy", "name", "data", "label"),
    [
        (uploads.DOCUMENTS, "总结.pdf", EXE, "PDF"),  # an .exe renamed .pdf
        (uploads.VISIT_FILES, "照片.jpg", HTML, "JPG"),  # HTML renamed .jpg
        (uploads.VISIT_FILES, "照片.png", JPEG, "PNG"),  # another picture type
        (uploads.DOCUMENTS, "总结.docx", XLSX, "Word"),  # a workbook renamed .docx
        (uploads.DOCUMENTS, "总结.doc", PDF, "Word"),
        (uploads.SUGGESTION_DOCUMENTS, "答复.ofd", DOCX, "OFD"),  # any zip is not an OFD
        (uploads.SPREADSHEETS, "台账.xlsx", b"id,name\n1,x\n", "Excel"),  # a CSV renamed .xlsx
        (uploads.SPREADSHEETS, "台账.xlsx", _zip("[Content_Types].xml"), "Excel"),
    ],
)
def test_sec10_an_extension_lying_about_the_content_is_refused(policy, name, data, label):
    error = refusal(policy, name, data)
    ext = os.path.splitext(name)[1]
    assert f"文件内容不是有效的 {label} 文件，与扩展名 {ext} 不符" in error.message_dict[policy.field][0]
    assert str(error).startswith(f"{policy.label}：")


def test_sec10_too_big_names_the_limit_of_the_kind(settings):
    settings.UPLOAD_MAX_MB = 50
    big = PNG + b"\x00" * (10 * 1024 * 1024)
    error = refusal(uploads.VISIT_FILES, "大.png", big, many=True)
    assert str(error) == "照片和附件：“大.png”：文件不能超过 10 MB，请压缩或拆分后再上传。"
    assert uploads.DOCUMENTS.check(SimpleUploadedFile("大.pdf", PDF + big))  # 50 MB for documents
    assert uploads.SUGGESTION_DOCUMENTS.limit_mb == 20


def test_sec10_the_setting_caps_every_kind(settings):
    settings.UPLOAD_MAX_MB = 1
    assert {p.limit_mb for p in (uploads.DOCUMENTS, uploads.VISIT_FILES, uploads.SPREADSHEETS)} == {1}
    error = refusal(uploads.SUGGESTION_DOCUMENTS, "答复.pdf", PDF + b"0" * (1024 * 1024))
    assert error.message_dict == {"document": ["文件不能超过 1 MB，请压缩或拆分后再上传。"]}


def test_sec10_an_empty_file_is_refused():
    assert refusal(uploads.DOCUMENTS, "空.pdf", b"").message_dict["file"] == ["文件是空的。"]


def test_sec10_no_file_is_refused():
    with pytest.raises(UploadError) as caught:
        uploads.SUGGESTION_DOCUMENTS.check(None)
    assert str(caught.value) == "文件：请选择要上传的文件。"


def test_sec10_a_damaged_archive_is_refused():
    error = refusal(uploads.DOCUMENTS, "坏.docx", b"PK\x03\x04broken")
    assert "文件已损坏" in error.message_dict["file"][0]


@pytest.mark.parametrize("policy", [uploads.DOCUMENTS, uploads.VISIT_FILES, uploads.SPREADSHEETS])
def test_sec10_an_archive_bomb_is_refused(policy):
    part = "word/document.xml" if policy is not uploads.SPREADSHEETS else "xl/workbook.xml"
    bomb = _zip("[Content_Types].xml", part, filler=b"\x00" * (5 * 1024 * 1024))
    name = "炸弹.docx" if policy is not uploads.SPREADSHEETS else "炸弹.xlsx"
    assert "疑似压缩炸弹" in str(refusal(policy, name, bomb))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\报告.docx", "报告.docx"),
        ("C:\\Users\\张\\Desktop\\总结.docx", "总结.docx"),
        ("/var/lib/fuqing/private/x.png", "x.png"),
        ("..", "file"),
        ("", "file"),
        (".htaccess", "htaccess"),
        ("a\x00b\r\nc<>:|?*.pdf", "abc.pdf"),
    ],
)
def test_sec10_names_lose_their_folders_and_unsafe_characters(raw, clean):
    assert uploads.clean_name(raw) == clean


def test_sec10_a_long_name_keeps_its_extension():
    name = uploads.clean_name("长" * 300 + ".docx")
    assert len(name) == uploads.NAME_MAX and name.endswith(".docx")


def test_sec10_a_traversal_name_is_checked_by_its_last_part_and_never_reaches_the_disk(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    upload = SimpleUploadedFile("../../../outside.pdf", PDF)
    kind = uploads.DOCUMENTS.check(upload)
    with uploads.store_private(upload, kind, "submissions") as stored:
        pass
    path = uploads.private_path(stored.file_path)
    assert path.is_file() and path.read_bytes() == PDF
    assert tmp_path / "private" in path.parents and "outside" not in stored.file_path
    assert stored.file_name == "outside.pdf" and len(stored.sha256) == 64
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_sec10_a_stored_path_escaping_the_private_root_is_refused(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    for bad in ("../fuqing.sqlite3", "/etc/passwd", ""):
        with pytest.raises(FileNotFoundError):
            uploads.private_path(bad)


def test_sec10_a_failed_block_removes_the_stored_file(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    upload = SimpleUploadedFile("a.pdf", PDF)
    with pytest.raises(RuntimeError), uploads.store_private(upload, uploads.FILE_TYPES[".pdf"], "x"):
        raise RuntimeError
    assert not any(p.is_file() for p in (tmp_path / "private").rglob("*"))


def test_sec10_a_file_on_disk_is_checked_like_an_upload(tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(UploadError) as caught:
        uploads.SPREADSHEETS.check_path(str(path))
    assert "另存为 .xlsx" in str(caught.value)
    path.write_bytes(XLSX)
    assert uploads.SPREADSHEETS.check_path(str(path)).extension == ".xlsx"


def test_sec10_downloads_are_attachments_never_sniffed_nor_cached():
    response = uploads.download(io.BytesIO(PDF), "答复.pdf", "application/pdf")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    inline = uploads.download(io.BytesIO(PNG), "a.png", "image/png", inline=True)
    assert inline["Content-Disposition"].startswith("inline")
