"""Bulk registration from a checked ledger (RPT-3): the same rules as ``register_woman``, written in bulk.

Every value arrives already parsed by the same validators the form uses (``validators``); the ledger
has checked duplicates within the file and against the database, the unit and the groups. This writes
in chunks inside the import's one transaction; the unique index on the ID number's blind index still
refuses a number registered meanwhile, which rolls the whole import back.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core.permissions import require
from fuqing.core.scoping import user_scope
from fuqing.registry.models import Consent, ConsentPurpose, RegistrationSource, Woman
from fuqing.registry.privacy import notice_version

CHUNK = 2000


def import_women(actor, records: list[dict], progress: Callable[[int, int], None] | None = None) -> int:
    require(actor, "registry", "edit")
    scope = user_scope(actor)
    today = timezone.localdate()
    version = notice_version()
    total = len(records)
    written = 0
    for start in range(0, total, CHUNK):
        part = records[start : start + CHUNK]
        women = []
        for values in part:
            org = values["_org"]
            if not scope.covers(org.path, edit=True):
                raise PermissionDenied(_("所属社区(村)不在您的管理范围内。"))
            parsed = values["id_number"]
            woman = Woman(
                org_id=org.pk,
                name=values["name"],
                address=values.get("address") or "",
                household_notes=values.get("household_notes") or "",
                health_notes=values.get("health_notes") or "",
                registered_on=values.get("registered_on") or today,
                source=RegistrationSource.IMPORT,
                created_by=actor,
            )
            woman.set_id_number(parsed.value, parsed.birth_date)
            woman.phone = values.get("phone") or ""
            woman.refresh_derived()
            women.append(woman)
        Woman.objects.bulk_create(women, batch_size=500)
        for woman, values in zip(women, part, strict=True):
            values["_pk"] = woman.pk  # what an import written in chunks undoes when a later chunk fails
        through = Woman.groups.through
        through.objects.bulk_create(
            [
                through(woman_id=woman.pk, vulnerablegroup_id=group.pk)
                for woman, values in zip(women, part, strict=True)
                for group in values["_groups"]
            ],
            batch_size=1000,
        )
        Consent.objects.bulk_create(
            [
                Consent(
                    woman_id=woman.pk,
                    purpose=ConsentPurpose.HEALTH,
                    notice_version=version,
                    given_on=woman.registered_on,
                    recorded_by=actor,
                )
                for woman, values in zip(women, part, strict=True)
                if values.get("health_consent")
            ],
            batch_size=1000,
        )
        written += len(women)
        if progress is not None:
            progress(written, total)
    return written


def undo_import(records: list[dict]) -> None:
    """Remove the women an import wrote (with their groups and consents): an import written in chunks
    on SQLite that failed part-way stays all-or-nothing for the user."""
    pks = [values["_pk"] for values in records if values.get("_pk")]
    Woman.objects.filter(pk__in=pks, source=RegistrationSource.IMPORT).delete()
