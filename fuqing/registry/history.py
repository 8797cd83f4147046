"""Her history as a timeline: the record's own events, the access log of her personal data (who saw or
exported what, and why) and what other apps add — in a bounded number of queries."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fuqing.core.models import AuditAction, AuditEvent
from fuqing.registry import hooks
from fuqing.registry.finding import history_ids
from fuqing.registry.hooks import TimelineEntry
from fuqing.registry.models import (
    UNMASKABLE_FIELDS,
    CloseReason,
    ConsentPurpose,
    Woman,
    WomanEvent,
    WomanEventKind,
)

FIELD_LABELS = {
    **{k: str(v) for k, v in UNMASKABLE_FIELDS.items()},
    "address": _("住址"),
    "household_notes": _("家庭情况"),
    "registered_on": _("登记日期"),
    "org": _("所属社区(村)"),
    "groups": _("困难群体"),
}
ACCESS_ACTIONS = (AuditAction.UNMASK, AuditAction.EXPORT, AuditAction.DENIED)
LIMIT = 200


def _fields(names) -> str:
    return "、".join(str(FIELD_LABELS.get(n, n)) for n in names or [])


def _purpose(code) -> str:
    try:
        return str(ConsentPurpose(code).label)
    except ValueError:
        return str(code)


def describe(event: WomanEvent) -> str:
    d = event.details or {}
    kind = event.kind
    if kind == WomanEventKind.CORRECTED:
        text = _("更正了%(f)s") % {"f": _fields(d.get("fields"))}
        return text + (f"（{d['reason']}）" if d.get("reason") else "")
    if kind in (WomanEventKind.CONSENT_GIVEN, WomanEventKind.CONSENT_WITHDRAWN):
        text = _purpose(d.get("purpose"))
        if d.get("notice_version"):
            text += _("，告知书 %(v)s") % {"v": d["notice_version"]}
        if d.get("erased"):
            text += _("；已删除%(f)s") % {"f": _fields(d["erased"])}
        return text
    if kind == WomanEventKind.CONSENT_EXCEPTION:
        return _("%(p)s：%(r)s") % {"p": _purpose(d.get("purpose")), "r": d.get("reason", "")}
    if kind == WomanEventKind.MERGED_FROM:
        text = _("并入档案 %(o)s") % {"o": d.get("other", "")}
        if d.get("filled"):
            text += _("，补充了%(f)s") % {"f": _fields(d["filled"])}
        return text + (f"（{d['reason']}）" if d.get("reason") else "")
    if kind == WomanEventKind.MERGED_INTO:
        return _("并入档案 %(o)s") % {"o": d.get("other", "")}
    if kind == WomanEventKind.CLOSED:
        try:
            return str(CloseReason(d.get("reason")).label)
        except ValueError:
            return ""
    if kind == WomanEventKind.REMOVED:
        return d.get("reason", "")
    if kind == WomanEventKind.ANONYMISED:
        return _("保存期 %(n)s 天") % {"n": d.get("retention_days", "")}
    if kind == WomanEventKind.IMPORTED and d.get("row"):
        return _("台账第 %(n)s 行") % {"n": d["row"]}
    return ""


def _access(event: AuditEvent) -> TimelineEntry:
    d = event.details or {}
    if event.action == AuditAction.UNMASK:
        title = _("查看明文：%(f)s") % {"f": FIELD_LABELS.get(d.get("field"), d.get("field", ""))}
        detail = d.get("reason", "")
    elif event.action == AuditAction.EXPORT:
        title = _("为本人导出个人信息")
        detail = d.get("reason", "")
    else:
        title = _("拒绝访问")
        detail = ""
    return TimelineEntry(at=event.at, title=title, actor=event.actor_name, detail=detail, kind="access")


def _registrations(woman: Woman, ids: list) -> list[TimelineEntry]:
    """Each record's registration, read from the record itself (no event row per imported woman)."""
    records = Woman.objects.filter(pk__in=ids).select_related("created_by")
    records = records.only("pk", "file_number", "created_at", "source", "registered_on", "created_by__name",
                           "created_by__username")  # fmt: skip
    entries = []
    for record in records:
        detail = str(record.get_source_display())
        if record.pk != woman.pk:
            detail += _("（档案 %(f)s）") % {"f": record.file_number}
        actor = record.created_by.display_name if record.created_by else _("系统")
        entries.append(
            TimelineEntry(
                at=record.created_at, title=_("登记"), actor=actor, detail=detail, kind="registered"
            )
        )
    return entries


def timeline(woman: Woman, user) -> list[TimelineEntry]:
    ids = history_ids(woman)
    entries = _registrations(woman, ids)
    entries += [
        TimelineEntry(
            at=e.at,
            title=str(e.get_kind_display()),
            actor=e.actor_name,
            detail=describe(e),
            kind=e.kind,
        )
        for e in WomanEvent.objects.filter(woman_id__in=ids).order_by("-at", "-id")[:LIMIT]
    ]
    access = (
        AuditEvent.objects.filter(
            object_type="registry.woman", object_id__in=[str(i) for i in ids], action__in=ACCESS_ACTIONS
        )
        .select_related("actor")
        .order_by("-seq")[:LIMIT]
    )
    entries.extend(_access(e) for e in access)
    for source in hooks.timeline_sources():
        entries.extend(source(ids, user))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:LIMIT]
