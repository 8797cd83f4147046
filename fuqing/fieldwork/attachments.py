"""Photos and documents of a visit (FLD-2, SEC-10): checked by ``core.uploads.VISIT_FILES`` (type by
content, size, archive bombs), stored under MEDIA_ROOT (never served directly) and read through a scoped
view."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils.translation import gettext as _

from fuqing.core import audit, uploads
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require
from fuqing.core.scoping import can_edit
from fuqing.fieldwork.models import Visit, VisitAttachment

MAX_PER_VISIT = 20
POLICY = uploads.VISIT_FILES


def storage() -> FileSystemStorage:
    """Files live under MEDIA_ROOT, which no URL serves; the scoped download view reads them."""
    return FileSystemStorage()


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
    checked = [(upload, POLICY.check(upload, many=True)) for upload in files]
    store = storage()
    saved: list[str] = []
    try:
        with transaction.atomic():
            created = []
            for upload, file_type in checked:
                upload.seek(0)
                stored = store.save(f"fieldwork/{visit.pk}/{uploads.stored_name(file_type)}", upload)
                saved.append(stored)
                created.append(
                    VisitAttachment.objects.create(
                        visit=visit,
                        name=uploads.clean_name(upload.name),
                        kind=file_type.family,
                        content_type=file_type.content_type,
                        size=upload.size,
                        stored_name=stored,
                        uploaded_by=actor,
                    )
                )
                audit.record(
                    AuditAction.CREATE,
                    actor=actor,
                    obj=created[-1],
                    details={"visit": str(visit.pk), "kind": file_type.family, "size": upload.size},
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
