"""Uploaded documents (SEC-10): type by extension AND content, bounded size, no archive bombs; stored
outside the web root under VAR_DIR/private and served only through scoped views."""

from __future__ import annotations

import hashlib
import os
import uuid
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.campaigns.errors import invalid
from fuqing.campaigns.models.stored import private_root

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc / .wps / .xls (OLE2 compound file)
ZIP_MAGIC = b"PK\x03\x04"
MAX_UNCOMPRESSED_RATIO = 200


@dataclass(frozen=True)
class FileType:
    extension: str
    label: str
    content_type: str
    magic: tuple[bytes, ...]
    zip_member: str = ""  # an OOXML file must hold this part


FILE_TYPES = {
    t.extension: t
    for t in (
        FileType(
            ".docx",
            "Word",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (ZIP_MAGIC,),
            "word/document.xml",
        ),
        FileType(".doc", "Word 97-2003", "application/msword", (OLE_MAGIC,)),
        FileType(".wps", "WPS 文字", "application/vnd.ms-works", (OLE_MAGIC,)),
        FileType(".pdf", "PDF", "application/pdf", (b"%PDF-",)),
        FileType(
            ".xlsx",
            "Excel",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (ZIP_MAGIC,),
            "xl/workbook.xml",
        ),
        FileType(".xls", "Excel 97-2003", "application/vnd.ms-excel", (OLE_MAGIC,)),
        FileType(".jpg", "JPEG", "image/jpeg", (b"\xff\xd8\xff",)),
        FileType(".jpeg", "JPEG", "image/jpeg", (b"\xff\xd8\xff",)),
        FileType(".png", "PNG", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    )
}
DOCUMENT_EXTENSIONS = (".docx", ".doc", ".wps", ".pdf")
ATTACHMENT_EXTENSIONS = (*DOCUMENT_EXTENSIONS, ".xlsx", ".xls", ".jpg", ".jpeg", ".png")


def max_bytes() -> int:
    return settings.UPLOAD_MAX_MB * 1024 * 1024


def accept_attr(extensions) -> str:
    """For ``<input type=file accept=…>``."""
    return ",".join(extensions)


def _refuse(field: str, message: str):
    return invalid({field: message}, "SEC-10")


def check_file(upload, extensions, field: str = "file") -> FileType:
    """The upload's type, or a ValidationError naming the field and the rule (SEC-10)."""
    if upload is None:
        raise invalid({field: _("请选择要上传的文件。")}, "required")
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    allowed = "、".join(e.lstrip(".") for e in extensions)
    if extension not in extensions:
        raise _refuse(field, _("只接受以下格式的文件：%(types)s。") % {"types": allowed})
    if not upload.size:
        raise _refuse(field, _("文件是空的。"))
    if upload.size > max_bytes():
        raise _refuse(field, _("文件超过 %(n)d MB，请压缩或拆分后再上传。") % {"n": settings.UPLOAD_MAX_MB})
    kind = FILE_TYPES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in kind.magic):
        raise _refuse(
            field,
            _("文件内容不是有效的%(label)s文件（扩展名为 %(ext)s）。请用办公软件另存后再上传。")
            % {"label": kind.label, "ext": extension},
        )
    if kind.zip_member:
        _check_archive(upload, kind, field)
    return kind


def _check_archive(upload, kind: FileType, field: str) -> None:
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
    except zipfile.BadZipFile:
        raise _refuse(field, _("文件已损坏，无法读取。")) from None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names or kind.zip_member not in names:
        raise _refuse(field, _("文件内容不是有效的%(label)s文件。") % {"label": kind.label})
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if total > max_bytes() * 20 or total / packed > MAX_UNCOMPRESSED_RATIO:
        raise _refuse(field, _("文件解压后异常庞大（疑似压缩炸弹），已拒绝。"))


def clean_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip() or "file"
    stem, ext = os.path.splitext(base)
    return stem[: 150 - len(ext)] + ext


@dataclass
class Stored:
    file_path: str
    file_name: str
    file_size: int
    content_type: str
    sha256: str

    def fields(self) -> dict:
        return dict(self.__dict__)


@contextmanager
def stored_upload(upload, kind: FileType, folder: str):
    """Write the upload under the private root; the file is removed again if the block fails, so a
    failed transaction leaves no orphan file."""
    relative = Path(folder) / f"{timezone.now():%Y}" / f"{uuid.uuid4().hex}{kind.extension}"
    target = private_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    with open(target, "wb") as handle:
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
            handle.write(chunk)
    os.chmod(target, 0o600)
    stored = Stored(str(relative), clean_name(upload.name), size, kind.content_type, digest.hexdigest())
    try:
        yield stored
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def write_bytes(data: bytes, name: str, folder: str) -> Stored:
    """Store generated content (demo files, drafts) like an upload."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, data)
    kind = FILE_TYPES[os.path.splitext(name)[1].lower()]
    with stored_upload(upload, kind, folder) as stored:
        return stored


def file_response(obj) -> FileResponse:
    """Serve a stored file as a download (never inline: no script in an uploaded file runs here)."""
    from django.http import Http404

    try:
        path = obj.absolute_path()
        handle = open(path, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=obj.file_name)
    response["Content-Type"] = obj.content_type or "application/octet-stream"
    response["Cache-Control"] = "no-store"
    return response
