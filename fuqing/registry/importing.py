"""Bulk registration from a checked ledger (RPT-3): the same rules as ``register_woman``, written in bulk.

Every value arrives already parsed by the same validators the form uses (``validators``); the ledger
has checked duplicates within the file and against the database, the unit and the groups. This writes
in chunks inside the import's one transaction; the unique index on the ID number's blind index still
refuses a number registered meanwhile, which rolls the whole import back.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core.crypto import blind_index, encrypt_many
from fuqing.core.masking import mask_id_number, mask_phone
from fuqing.core.permissions import require
from fuqing.core.scoping import user_scope
from fuqing.registry.models import (
    Consent,
    ConsentPurpose,
    RegistrationSource,
    Woman,
    WomanStatus,
    new_file_number,
)
from fuqing.registry.privacy import notice_version

CHUNK = 2000


def import_women(actor, records: list[dict], progress: Callable[[int, int], None] | None = None) -> int:
    require(actor, "registry", "edit")
    scope = user_scope(actor)
    for values in records:
        if not scope.covers(values["_org"].path, edit=True):
            raise PermissionDenied(_("所属社区(村)不在您的管理范围内。"))
    if connection.vendor == "postgresql":
        return copy_women(actor, records, progress)
    today = timezone.localdate()
    version = notice_version()
    total = len(records)
    written = 0
    for start in range(0, total, CHUNK):
        part = records[start : start + CHUNK]
        women = []
        for values in part:
            org = values["_org"]
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


# PostgreSQL: the rows go in by COPY, a chunk at a time, encrypted a column at a time (issue 16, point 2)
COPY_CHUNK = 10000
_WOMAN_COLUMNS = (
    "id", "file_number", "org_id", "name", "id_number", "id_number_index", "id_number_masked",
    "birth_date", "birth_year", "phone", "phone_index", "phone_masked", "address", "household_notes",
    "health_notes", "status", "registered_on", "source", "close_reason", "created_by_id", "created_at",
    "updated_at",
)  # fmt: skip


def copy_women(actor, records: list[dict], progress: Callable[[int, int], None] | None = None) -> int:
    """The same rows ``import_women`` writes, by COPY: no SQL built per row, the encrypted columns
    encrypted in batches (``crypto.encrypt_many``), the blind index the checks computed reused. Runs in
    the import's transaction; the unique index still refuses a number registered meanwhile (an
    ``IntegrityError``, as with ``bulk_create``), so the whole import rolls back."""
    today = timezone.localdate()
    now = timezone.now()
    version = notice_version()
    total = len(records)
    table = Woman._meta.db_table
    through = Woman.groups.through._meta.db_table
    consents = Consent._meta.db_table
    actor_id = getattr(actor, "pk", None)
    written = 0
    with connection.wrap_database_errors, connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own: its copy() streams rows in its C layer
        for start in range(0, total, COPY_CHUNK):
            part = records[start : start + COPY_CHUNK]
            numbers = [values["id_number"].value for values in part]
            phones = [values.get("phone") or "" for values in part]
            health = [values.get("health_notes") or "" for values in part]
            sealed_numbers, sealed_phones, sealed_health = (
                encrypt_many(numbers),
                encrypt_many(phones),
                encrypt_many(health),
            )
            ids = [uuid.uuid4() for _values in part]
            with cursor.copy(f"COPY {table} ({', '.join(_WOMAN_COLUMNS)}) FROM STDIN") as copy:
                for n, values in enumerate(part):
                    parsed, phone = values["id_number"], phones[n]
                    birth: datetime.date = parsed.birth_date
                    copy.write_row(
                        (
                            ids[n],
                            new_file_number(),
                            values["_org"].pk,
                            values["name"],
                            sealed_numbers[n],
                            values.get("_id_index") or blind_index(parsed.value, "id_number"),
                            mask_id_number(parsed.value),
                            birth,
                            birth.year if birth else None,
                            sealed_phones[n],
                            blind_index(phone, "phone") if phone else "",
                            mask_phone(phone),
                            values.get("address") or "",
                            values.get("household_notes") or "",
                            sealed_health[n],
                            WomanStatus.ACTIVE.value,
                            values.get("registered_on") or today,
                            RegistrationSource.IMPORT.value,
                            "",
                            actor_id,
                            now,
                            now,
                        )
                    )
            with cursor.copy(f"COPY {through} (woman_id, vulnerablegroup_id) FROM STDIN") as copy:
                for n, values in enumerate(part):
                    for group in values["_groups"]:
                        copy.write_row((ids[n], group.pk))
            with cursor.copy(
                f"COPY {consents} (woman_id, purpose, notice_version, given_on, recorded_by_id, created_at)"
                " FROM STDIN"
            ) as copy:
                for n, values in enumerate(part):
                    if values.get("health_consent"):
                        given = values.get("registered_on") or today
                        copy.write_row((ids[n], ConsentPurpose.HEALTH.value, version, given, actor_id, now))
            for n, values in enumerate(part):
                values["_pk"] = ids[n]
            written += len(part)
            if progress is not None:
                progress(written, total)
    return written


def undo_import(records: list[dict]) -> None:
    """Remove the women an import wrote (with their groups and consents): an import written in chunks
    on SQLite that failed part-way stays all-or-nothing for the user."""
    pks = [values["_pk"] for values in records if values.get("_pk")]
    Woman.objects.filter(pk__in=pks, source=RegistrationSource.IMPORT).delete()
