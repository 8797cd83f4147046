"""Finding records (REG-4, SEC-8): by ID number through its blind index, likely duplicates by name and
phone, and the records merged into one — all inside the user's scope."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from fuqing.core import audit
from fuqing.core.cells import CellError
from fuqing.core.crypto import blind_index
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require
from fuqing.registry.models import Woman, WomanStatus
from fuqing.registry.validators import normalise_name, parse_id_number


def lookup_by_id_number(user, id_number: str) -> tuple[Woman | None, bool]:
    """Find a record by ID number through its blind index (the number never enters a URL or a log).

    Returns (woman, exists): the woman when she is visible to the user; ``exists`` says whether the
    number is registered anywhere — outside the scope the record itself is not revealed."""
    require(user, "registry", "view")
    try:
        value = parse_id_number(id_number).value
    except CellError as exc:
        raise ValidationError({"id_number": str(exc)}, code="REG-1") from None
    index = blind_index(value, "id_number")
    candidates = Woman.objects.filter(id_number_index=index).exclude(status=WomanStatus.MERGED)
    woman = candidates.visible_to(user).select_related("org").order_by("status").first()
    exists = woman is not None or candidates.exists()
    if woman is None and exists:
        audit.record(
            AuditAction.DENIED,
            actor=user,
            result="denied",
            object_type="registry.woman",
            details={"reason": "lookup_out_of_scope"},
        )
    return woman, exists


def duplicate_groups(user, q: str = "", limit: int = 50) -> list[list[Woman]]:
    """REG-4: likely duplicates — active records of the same name and phone (phone by blind index).

    With ``q`` (a name or file number) the records matching it are shown grouped the same way, so a
    cadre can check one person even when nothing is duplicated yet."""
    visible = Woman.objects.visible_to(user).active()
    if q:
        q = normalise_name(q)[:50]
        matches = visible.filter(Q(name=q) | Q(file_number__in={q, q.upper()}))
        keys = list(matches.values_list("name", "phone_index").distinct()[:limit])
    else:
        keys = list(
            visible.exclude(phone_index="")
            .values("name", "phone_index")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .order_by("-n", "name")
            .values_list("name", "phone_index")[:limit]
        )
    if not keys:
        return []
    condition = Q()
    for name, phone_index in keys:
        condition |= Q(name=name, phone_index=phone_index)
    women = (
        visible.filter(condition).select_related("org").prefetch_related("groups").order_by("registered_on")
    )
    grouped: dict[tuple, list[Woman]] = {key: [] for key in keys}
    for woman in women:
        grouped.setdefault((woman.name, woman.phone_index), []).append(woman)
    return [items for items in grouped.values() if items]


def history_ids(woman: Woman) -> list:
    """Her id and the ids of every record merged into her (the merge keeps all history, REG-4)."""
    return [woman.pk, *Woman.objects.filter(merged_into=woman).values_list("pk", flat=True)]
