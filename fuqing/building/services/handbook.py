"""The handbook library (《妇女工作实用手册》, BLD-4): versions kept, levels marked, downloads counted."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from fuqing.building.models import Handbook, HandbookDownload, HandbookVersion, TrainingLevel
from fuqing.building.services.common import (
    federation_unit,
    record,
    require_edit,
    require_edit_obj,
    required_text,
)
from fuqing.core import uploads
from fuqing.core.models import AuditAction
from fuqing.orgs.models import OrgKind

FILES = uploads.Policy((".pdf", ".docx", ".doc", ".wps"), field="file", label=_("手册文件"), max_mb=30)

LEVEL_OF_KIND = {
    OrgKind.DISTRICT: TrainingLevel.DISTRICT,
    OrgKind.TOWNSHIP: TrainingLevel.TOWNSHIP,
    OrgKind.COMMUNITY: TrainingLevel.COMMUNITY,
}


def clean_levels(levels) -> list[str]:
    levels = list(dict.fromkeys(levels or []))
    if not levels or any(v not in TrainingLevel.values for v in levels):
        raise ValidationError({"levels": _("适用层级：请至少选择一级。")}, code="BLD-4")
    return levels


def _store_version(actor, handbook: Handbook, upload, changes: str) -> HandbookVersion:
    kind = FILES.check(upload)
    number = (handbook.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    with uploads.store_private(upload, kind, "building/handbooks") as stored:
        version = HandbookVersion.objects.create(
            handbook=handbook,
            number=number,
            changes=(changes or "").strip(),
            uploaded_by=actor,
            **stored.fields(),
        )
    record(AuditAction.CREATE, actor, version, handbook=handbook.pk, number=number)
    return version


@transaction.atomic
def create_handbook(actor, org, *, title, levels, upload, description="", changes="") -> Handbook:
    require_edit(actor, org)
    federation_unit(org, "org", "BLD-4")
    title = required_text(title, "title", _("名称"), "BLD-4", 200)
    levels = clean_levels(levels)
    if upload is None:
        raise ValidationError({"file": _("手册文件：请选择要上传的文件。")}, code="BLD-4")
    if Handbook.objects.filter(org=org, title=title).exists():
        raise ValidationError({"title": _("本单位已发布同名的手册，请上传新版本。")}, code="BLD-4")
    FILES.check(upload)  # before anything is written
    handbook = Handbook.objects.create(
        org=org, title=title, levels=levels, description=(description or "").strip(), created_by=actor
    )
    record(AuditAction.CREATE, actor, handbook, levels=",".join(levels))
    _store_version(actor, handbook, upload, changes or _("首次发布"))
    return handbook


@transaction.atomic
def add_version(actor, handbook: Handbook, *, upload, changes) -> HandbookVersion:
    """A new version; the earlier ones are kept and the cadre sees what changed (BLD-4)."""
    require_edit_obj(actor, handbook)
    changes = required_text(changes, "changes", _("本版修改内容"), "BLD-4", 2000)
    if upload is None:
        raise ValidationError({"file": _("手册文件：请选择要上传的文件。")}, code="BLD-4")
    return _store_version(actor, handbook, upload, changes)


def count_download(user, version: HandbookVersion) -> None:
    """Each download is counted for the cadre's unit (BLD-4)."""
    if user.org_id is not None:
        HandbookDownload.objects.create(version=version, org_id=user.org_id, user=user)


def level_of(org) -> str | None:
    return LEVEL_OF_KIND.get(org.kind) if org is not None else None
