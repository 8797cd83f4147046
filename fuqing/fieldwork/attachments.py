"""Photos and documents of a visit (FLD-2, SEC-10): type checked by content, size limited, archives that
expand into bombs refused, stored under MEDIA_ROOT (never served directly) and read through a scoped view."""

from __future__ import annotations

import io
import os
import uuid
import zipfile
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils.translation import gettext as _

from fuqing.core import audit
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require
from fuqing.core.scoping import can_edit
from fuqing.fieldwork.models import AttachmentKind, Visit, VisitAttachment

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_VISIT = 20
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .doc / .xls container


@dataclass(frozen=True)
class FileType:
    kind: str
    content_type: str
    extensions: tuple[str, ...]


TYPES = (
    FileType(AttachmentKind.IMAGE, "image/jpeg", (".jpg", ".jpeg")),
    FileType(AttachmentKind.IMAGE, "image/png", (".png",)),
    FileType(AttachmentKind.IMAGE, "image/gif", (".gif",)),
    FileType(AttachmentKind.IMAGE, "image/webp", (".webp",)),
    FileType(AttachmentKind.PDF, "application/pdf", (".pdf",)),
    FileType(AttachmentKind.DOCUMENT, "application/msword", (".doc",)),
    FileType(
        AttachmentKind.DOCUMENT,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    FileType(AttachmentKind.SHEET, "application/vnd.ms-excel", (".xls",)),
    FileType(
        AttachmentKind.SHEET, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
    ),
)
ALLOWED_LABEL = "照片（jpg、png、gif、webp）、PDF、Word（doc、docx）、Excel（xls、xlsx）"


def storage() -> FileSystemStorage:
    """Files live under MEDIA_ROOT, which no URL serves; the scoped download view reads them."""
    return FileSystemStorage()


def _sniff(head: bytes) -> str | None:
    """The content type the first bytes show (None: none we accept)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(OLE):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def _office_zip(data: bytes) -> str | None:
    """Which Office Open XML document a zip is ('docx' / 'xlsx'); refuses archive bombs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        return None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
        raise ValidationError({"files": _("文件解压后异常庞大（疑似压缩炸弹），已拒绝。")}, code="SEC-10")
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return ".docx"
    if any(n.startswith("xl/") for n in names):
        return ".xlsx"
    return None


def _too_big(name: str) -> ValidationError:
    return ValidationError(
        {"files": _("“%(f)s”超过 %(n)d MB。") % {"f": name[:100], "n": MAX_BYTES // 1024 // 1024}},
        code="SEC-10",
    )


def check_file(name: str, data: bytes) -> FileType:
    """SEC-10: the file's content must match an allowed type and its extension; size is bounded."""
    label = name[:100]
    if len(data) == 0:
        raise ValidationError({"files": _("“%(f)s”是空文件。") % {"f": label}}, code="SEC-10")
    if len(data) > MAX_BYTES:
        raise _too_big(name)
    ext = os.path.splitext(name.lower())[1]
    sniffed = _sniff(data[:16])
    if sniffed == "zip":
        sniffed_ext = _office_zip(data)
        candidates = [t for t in TYPES if sniffed_ext and sniffed_ext in t.extensions]
    elif sniffed == "ole":
        candidates = [t for t in TYPES if t.extensions in ((".doc",), (".xls",))]
    else:
        candidates = [t for t in TYPES if t.content_type == sniffed]
    for file_type in candidates:
        if ext in file_type.extensions:
            return file_type
    raise ValidationError(
        {
            "files": _("“%(f)s”的类型不允许或与扩展名不符。可以上传：%(ok)s。")
            % {"f": label, "ok": ALLOWED_LABEL}
        },
        code="SEC-10",
    )


def add_attachments(actor, visit: Visit, files) -> list[VisitAttachment]:
    """Check every file first, then store them all (nothing is half-written)."""
    require(actor, "fieldwork", "edit")
    if not can_edit(actor, visit):
        raise PermissionDenied(_("只读范围：您可以查看该走访，但不能上传附件。"))
    files = list(files)
    if visit.attachments.count() + len(files) > MAX_PER_VISIT:
        raise ValidationError(
            {"files": _("每次走访最多 %(n)d 个附件。") % {"n": MAX_PER_VISIT}}, code="SEC-10"
        )
    checked = []
    for upload in files:
        if upload.size > MAX_BYTES:
            raise _too_big(upload.name)
        data = upload.read()
        checked.append((upload.name, data, check_file(upload.name, data)))
    store = storage()
    saved: list[str] = []
    try:
        with transaction.atomic():
            created = []
            for name, data, file_type in checked:
                stored = store.save(
                    f"fieldwork/{visit.pk}/{uuid.uuid4().hex}{file_type.extensions[0]}", ContentFile(data)
                )
                saved.append(stored)
                created.append(
                    VisitAttachment.objects.create(
                        visit=visit,
                        name=os.path.basename(name)[:200],
                        kind=file_type.kind,
                        content_type=file_type.content_type,
                        size=len(data),
                        stored_name=stored,
                        uploaded_by=actor,
                    )
                )
                audit.record(
                    AuditAction.CREATE,
                    actor=actor,
                    obj=created[-1],
                    details={"visit": str(visit.pk), "kind": file_type.kind, "size": len(data)},
                )
    except Exception:
        remove_files(saved)
        raise
    return created


@transaction.atomic
def delete_attachment(actor, attachment: VisitAttachment) -> None:
    require(actor, "fieldwork", "edit")
    if not can_edit(actor, attachment):
        raise PermissionDenied(_("只读范围：您可以查看该附件，但不能删除。"))
    name = attachment.stored_name
    audit.record(AuditAction.DELETE, actor=actor, obj=attachment, details={"visit": str(attachment.visit_id)})
    attachment.delete()
    transaction.on_commit(lambda: remove_files([name]))


def remove_files(names) -> None:
    store = storage()
    for name in names:
        if name and store.exists(name):
            store.delete(name)
