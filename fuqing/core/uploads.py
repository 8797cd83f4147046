"""Uploaded files (SEC-10), one set of rules for every upload: the type by extension AND content, a
bounded size, no empty file, no archive bomb, a clean display name, a random stored name, and downloads
that never run what was uploaded. Each kind of upload is a ``Policy``; the apps pick theirs below."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
import uuid
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NAME_MAX = 150  # the display name kept with a file (extension included)


@dataclass(frozen=True)
class FileType:
    extension: str  # lower case, with the dot
    label: str  # what a user calls it: Word, Excel, PDF …
    content_type: str
    magic: bytes  # a regular expression the first bytes must match
    family: str  # image / pdf / document / sheet
    parts: tuple[str, ...] = ()  # a zip container must hold these members


_OLE = re.escape(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # .doc / .xls / .wps (OLE2 compound file)
_ZIP = re.escape(b"PK\x03\x04")
_OOXML = "[Content_Types].xml"

FILE_TYPES = {
    t.extension: t
    for t in (
        FileType(".pdf", "PDF", "application/pdf", re.escape(b"%PDF-"), "pdf"),
        FileType(
            ".docx",
            "Word",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            _ZIP,
            "document",
            (_OOXML, "word/document.xml"),
        ),
        FileType(".doc", "Word", "application/msword", _OLE, "document"),
        FileType(".wps", "WPS", "application/vnd.ms-works", _OLE, "document"),
        FileType(".ofd", "OFD", "application/ofd", _ZIP, "document", ("OFD.xml",)),
        FileType(
            ".xlsx",
            "Excel",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _ZIP,
            "sheet",
            (_OOXML, "xl/workbook.xml"),
        ),
        FileType(".xls", "Excel", "application/vnd.ms-excel", _OLE, "sheet"),
        FileType(".jpg", "JPG", "image/jpeg", re.escape(b"\xff\xd8\xff"), "image"),
        FileType(".jpeg", "JPG", "image/jpeg", re.escape(b"\xff\xd8\xff"), "image"),
        FileType(".png", "PNG", "image/png", re.escape(b"\x89PNG\r\n\x1a\n"), "image"),
        FileType(".gif", "GIF", "image/gif", rb"GIF8[79]a", "image"),
        FileType(".webp", "WebP", "image/webp", rb"RIFF.{4}WEBP", "image"),
    )
}


class UploadError(ValidationError):
    """A refused upload: ``{field: message}`` with the rule code SEC-10 on the field. Forms show the field's
    label before the message; ``str()`` puts it there for plain-text answers (imports, the API)."""

    def __init__(self, field: str, message: str, label: str = ""):
        super().__init__({field: ValidationError(message, code="SEC-10")})
        self.field = field
        self.text = f"{label}：{message}" if label else message

    def __str__(self):
        return self.text


@dataclass(frozen=True)
class Policy:
    """What one kind of upload accepts. ``max_mb`` caps the size below ``settings.UPLOAD_MAX_MB``."""

    extensions: tuple[str, ...]
    field: str = "file"
    label: str = gettext_lazy("文件")
    max_mb: int | None = None
    unpacked_factor: int = 20  # a zip may expand to this many times the size limit …
    max_ratio: int = 200  # … and to this many times its packed size
    hint: str = ""  # added to a refusal of the type

    @property
    def limit_mb(self) -> int:
        return min(self.max_mb or settings.UPLOAD_MAX_MB, settings.UPLOAD_MAX_MB)

    @property
    def max_bytes(self) -> int:
        return self.limit_mb * 1024 * 1024

    @property
    def accept(self) -> str:
        """For ``<input type=file accept=…>``."""
        return ",".join(self.extensions)

    @property
    def type_names(self) -> str:
        """'PDF、Word、Excel、JPG、PNG'."""
        return "、".join(dict.fromkeys(FILE_TYPES[e].label for e in self.extensions))

    @property
    def extension_names(self) -> str:
        """'pdf、docx、doc、…'."""
        return "、".join(e.lstrip(".") for e in self.extensions)

    @property
    def types_label(self) -> str:
        """For help texts: 'Word、PDF（docx、doc、pdf）'."""
        return f"{self.type_names}（{self.extension_names}）"

    def refuse(self, message: str, name: str = "", field: str | None = None, label: str | None = None):
        if name:
            message = f"“{name[:60]}”：{message}"
        return UploadError(field or self.field, message, str(label or self.label))

    def check(self, upload, *, field: str | None = None, label: str | None = None, many=False) -> FileType:
        """The upload's type, or an ``UploadError`` naming the field (and, with ``many``, the file)."""

        def refuse(message):
            return self.refuse(message, name if many else "", field, label)

        if upload is None:
            raise self.refuse(_("请选择要上传的文件。"), field=field, label=label)
        name = clean_name(upload.name)
        extension = os.path.splitext(name)[1].lower()
        if extension not in self.extensions:
            raise refuse(
                _("只接受 %(types)s 文件（%(exts)s）。")
                % {"types": self.type_names, "exts": self.extension_names}
                + str(self.hint)
            )
        if not upload.size:
            raise refuse(_("文件是空的。"))
        if upload.size > self.max_bytes:
            raise refuse(_("文件不能超过 %(n)d MB，请压缩或拆分后再上传。") % {"n": self.limit_mb})
        kind = FILE_TYPES[extension]
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not re.match(kind.magic, head, re.DOTALL):
            raise refuse(
                _("文件内容不是有效的 %(label)s 文件，与扩展名 %(ext)s 不符。")
                % {"label": kind.label, "ext": extension}
                + str(self.hint or _("请用原软件另存后再上传。"))
            )
        if kind.parts:
            self._check_archive(upload, kind, refuse)
        return kind

    def _check_archive(self, upload, kind: FileType, refuse) -> None:
        try:
            with zipfile.ZipFile(upload) as archive:
                infos = archive.infolist()
        except zipfile.BadZipFile:
            raise refuse(_("文件已损坏，无法读取。")) from None
        finally:
            upload.seek(0)
        total = sum(info.file_size for info in infos)
        packed = sum(info.compress_size for info in infos) or 1
        if total > self.max_bytes * self.unpacked_factor or total / packed > self.max_ratio:
            raise refuse(_("文件解压后异常庞大（疑似压缩炸弹），已拒绝。"))
        names = {info.filename for info in infos}
        if not all(part in names for part in kind.parts):
            raise refuse(
                _("文件内容不是有效的 %(label)s 文件，与扩展名 %(ext)s 不符。")
                % {"label": kind.label, "ext": kind.extension}
            )

    def clean(self, upload):
        """For a form's ``clean_<field>``: the same checks; the form puts the message beside the field."""
        try:
            self.check(upload)
        except UploadError as exc:
            raise ValidationError(exc.messages, code="SEC-10") from None
        return upload

    def check_path(self, path: str, name: str = "", size: int | None = None) -> FileType:
        """The same checks for a file already on disk (imports spooled before a job reads them)."""
        with open(path, "rb") as handle:
            upload = File(handle, name=name or os.path.basename(path))
            if size is not None:
                upload.size = size
            return self.check(upload)


# The kinds of upload (SEC-10). Size: the smaller of max_mb and FUQING_UPLOAD_MAX_MB.
DOCUMENTS = Policy((".docx", ".doc", ".wps", ".pdf"), label=gettext_lazy("报送文件"))
ATTACHMENTS = Policy(
    (".docx", ".doc", ".wps", ".pdf", ".xlsx", ".xls", ".jpg", ".jpeg", ".png"), label=gettext_lazy("附件")
)
VISIT_FILES = Policy(
    (".jpg", ".jpeg", ".png", ".gif", ".webp", ".pdf", ".doc", ".docx", ".xls", ".xlsx"),
    field="files",
    label=gettext_lazy("照片和附件"),
    max_mb=10,
    unpacked_factor=10,
    max_ratio=100,
)
SUGGESTION_DOCUMENTS = Policy(
    (".pdf", ".docx", ".doc", ".wps", ".ofd", ".xlsx", ".xls", ".jpg", ".jpeg", ".png"),
    field="document",
    label=gettext_lazy("文件"),
    max_mb=20,
)
SPREADSHEETS = Policy(
    (".xlsx",),
    label=gettext_lazy("Excel 文件"),
    hint=gettext_lazy("旧版 .xls 或 .csv 请在 Excel 或 WPS 中另存为 .xlsx 后再上传。"),
)


# --- names and storage ----------------------------------------------------------------------------

_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")


def clean_name(name: str | None) -> str:
    """The name to show: no folders (either slash), no control or reserved characters, no leading dots,
    at most NAME_MAX characters with the extension kept."""
    base = os.path.basename(unicodedata.normalize("NFC", name or "").replace("\\", "/"))
    base = _UNSAFE.sub("", base).strip().lstrip(".").strip() or "file"
    stem, ext = os.path.splitext(base)
    if len(ext) > 16:
        stem, ext = base, ""
    return stem[: NAME_MAX - len(ext)] + ext


def stored_name(kind: FileType) -> str:
    """A random name on disk: nothing the uploader chose reaches the file system."""
    return f"{uuid.uuid4().hex}{kind.extension}"


def private_root() -> Path:
    """Files kept outside the web root, served only through scoped views."""
    return Path(settings.SHARED_DIR or settings.VAR_DIR) / "private"


def private_path(relative: str) -> Path:
    """A stored file on disk; a stored path that escapes the private root is refused."""
    root = private_root().resolve()
    path = (root / (relative or "")).resolve()
    if not relative or root not in path.parents:
        raise FileNotFoundError(relative)
    return path


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
def store_private(upload, kind: FileType, folder: str):
    """Write a checked upload under ``private_root()/<folder>/<year>/`` (mode 600, hashed); the file is
    removed again if the block fails, so a failed transaction leaves no orphan file."""
    relative = Path(folder) / f"{timezone.now():%Y}" / stored_name(kind)
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


def spool(upload, suffix: str = ".xlsx") -> str:
    """Copy an upload to a private temporary file under SHARED_DIR/uploads (for jobs); returns its path."""
    folder = Path(settings.SHARED_DIR or settings.VAR_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    fd, path = tempfile.mkstemp(suffix=suffix, dir=folder)
    with os.fdopen(fd, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


def private_download(relative: str, filename: str, content_type: str = "") -> FileResponse:
    """A file under the private root as a download; 404 when it is gone."""
    try:
        handle = open(private_path(relative), "rb")
    except OSError:
        raise Http404 from None
    return download(handle, filename, content_type)


def download(handle, filename: str, content_type: str = "", inline: bool = False) -> FileResponse:
    """Serve a stored file: as an attachment unless ``inline`` (sniffed images), never sniffed by the
    browser, never cached."""
    response = FileResponse(handle, as_attachment=not inline, filename=filename)
    response["Content-Type"] = content_type or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
