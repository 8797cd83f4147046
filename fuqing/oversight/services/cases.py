"""Good cases, publicity and rules (SUP-2, SUP-4): a case is written from one need, pairing, project or
Home with its evidence; the unit submits; the city selects, returns or promotes — a promoted case appears
on the home pages below the city. Publicity items and practices turned into rules are recorded per unit.
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core import audit, uploads
from fuqing.core.models import AuditAction
from fuqing.core.scoping import resolve_input, user_scope
from fuqing.orgs.models import Org, OrgKind
from fuqing.oversight.models import CaseSource, CaseStatus, GoodCase, Practice, PublicityItem
from fuqing.oversight.services.common import check_edits, check_perm, invalid

SOURCE_MODELS = {
    CaseSource.NEED: "assistance.Need",
    CaseSource.PAIRING: "assistance.Pairing",
    CaseSource.PROJECT: "projects.Project",
    CaseSource.HOME: "building.WomensHome",  # present once the building app is installed
}


def source_model(kind: str):
    label = SOURCE_MODELS.get(kind)
    if label is None:
        return None
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def available_sources() -> list[tuple[str, str]]:
    return [(k, str(CaseSource(k).label)) for k in SOURCE_MODELS if source_model(k) is not None]


def resolve_source(actor, kind: str, value):
    """The need, pairing, project or Home a case is written from, through the scope door."""
    model = source_model(kind)
    if model is None:
        raise invalid({"source_kind": _("案例来源：请选择诉求、结对帮扶、实事项目或妇女之家。")}, "SUP-2")
    found = (
        resolve_input(model, actor, value)
        if actor is not None
        else model._default_manager.filter(pk=value).first()
    )
    if found is None:
        raise invalid(
            {
                "source_id": _("来源编号：所选的%(kind)s不存在或不在您的范围内。")
                % {"kind": CaseSource(kind).label}
            },
            "SUP-2",
        )
    return found


def _year(value, field="year") -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise invalid({field: _("年度：须在2000年到2100年之间。")}, "SUP-2")
    return year


def _store(row, upload, field: str, label) -> None:
    try:
        kind = uploads.ATTACHMENTS.check(upload, field=field, label=label)
    except uploads.UploadError as exc:
        raise invalid({field: str(exc)}, "SEC-10") from None
    with uploads.store_private(upload, kind, "oversight") as stored:
        for name, data in stored.fields().items():
            setattr(row, name, data)
        row.save()


@transaction.atomic
def create_case(
    actor,
    *,
    org: Org,
    year,
    title: str,
    story: str,
    source_kind: str,
    source_id,
    evidence=None,
    evidence_note="",
) -> GoodCase:
    check_edits(actor, org)
    year = _year(year)
    errors = {}
    title, story = (title or "").strip(), (story or "").strip()
    if not title:
        errors["title"] = _("案例标题：请填写。")
    if len(story) < 20:
        errors["story"] = _("案例内容：请写明做法和成效（不少于20字）。")
    if evidence is None and not (evidence_note or "").strip():
        errors["evidence"] = _("佐证材料：请上传佐证材料或写明佐证说明。")
    if errors:
        raise invalid(errors, "SUP-2")
    source = resolve_source(actor, source_kind, source_id)
    case = GoodCase(
        org=org,
        year=year,
        title=title[:120],
        story=story,
        source_kind=source_kind,
        source_id=str(source.pk),
        source_label=f"{CaseSource(source_kind).label}：{source}"[:200],
        evidence_note=(evidence_note or "").strip()[:300],
        created_by=actor,
    )
    if evidence is not None:
        _store(case, evidence, "evidence", _("佐证材料"))
    else:
        case.save()
    audit.record(AuditAction.CREATE, actor=actor, obj=case, details={"source": source_kind})
    return case


@transaction.atomic
def submit_case(actor, case: GoodCase) -> GoodCase:
    check_edits(actor, case.org)
    if case.status not in (CaseStatus.DRAFT, CaseStatus.RETURNED):
        raise invalid({"__all__": _("只有草稿或退回的案例可以报送。")}, "SUP-2")
    case.status, case.submitted_at = CaseStatus.SUBMITTED, timezone.now()
    case.save(update_fields=["status", "submitted_at"])
    audit.record(AuditAction.UPDATE, actor=actor, obj=case, details={"status": case.status})
    return case


DECISIONS = {
    "select": (CaseStatus.SELECTED, (CaseStatus.SUBMITTED,)),
    "promote": (CaseStatus.PROMOTED, (CaseStatus.SUBMITTED, CaseStatus.SELECTED)),
    "return": (CaseStatus.RETURNED, (CaseStatus.SUBMITTED, CaseStatus.SELECTED)),
}


def is_city_decider(user) -> bool:
    return (
        bool(user.org_id) and user.org.kind == OrgKind.CITY and user.has_module_perm("oversight", "approve")
    )


@transaction.atomic
def decide_case(actor, case: GoodCase, decision: str, note: str = "") -> GoodCase:
    """The city selects, promotes or returns a submitted case (SUP-2)."""
    if decision not in DECISIONS:
        raise invalid({"decision": _("处理：请选择入选、推广或退回。")}, "SUP-2")
    check_perm(actor, "approve")
    if actor is not None and (
        not is_city_decider(actor) or not user_scope(actor).covers(case.org.path, True)
    ):
        raise PermissionDenied(_("典型案例由市妇联选树和推广。"))
    status, allowed = DECISIONS[decision]
    if case.status not in allowed:
        raise invalid(
            {
                "decision": _("处理：该案例当前状态为“%(s)s”，不能这样处理。")
                % {"s": case.get_status_display()}
            },
            "SUP-2",
        )
    if decision == "return" and not (note or "").strip():
        raise invalid({"note": _("处理意见：退回时请写明理由。")}, "SUP-2")
    case.status, case.decided_at, case.decision_note = status, timezone.now(), (note or "").strip()[:300]
    if status == CaseStatus.PROMOTED:
        case.promoted_by_org = actor.org if actor is not None else case.org.get_root()
    case.save(update_fields=["status", "decided_at", "decision_note", "promoted_by_org"])
    audit.record(AuditAction.UPDATE, actor=actor, obj=case, details={"status": status})
    return case


def _check_link(link: str) -> str:
    link = (link or "").strip()
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except Exception:
            raise invalid({"link": _("链接：须是以 http:// 或 https:// 开头的网址。")}, "SUP-2") from None
    return link


def _case_of(actor, org: Org, case):
    if case in (None, ""):
        return None
    if isinstance(case, GoodCase):
        case = case.pk
    found = (
        resolve_input(GoodCase, actor, case)
        if actor is not None
        else GoodCase.objects.filter(pk=case).first()
    )
    if found is None or not (found.org.path.startswith(org.path) or org.path.startswith(found.org.path)):
        raise invalid({"case": _("典型案例：所选案例不存在或不在您的范围内。")}, "SUP-2")
    return found


def clean_publicity(*, media, published_on, title, link="", activity="", case=None) -> tuple[str, ...]:
    """A publicity item's own rules (the page, the API and the ledger's import share them): media,
    title and date given, a web link, a good case or the activity publicised. (media, title, link,
    activity) cleaned; else 422-style ValidationError naming the fields."""
    errors = {}
    media, title, activity = (media or "").strip(), (title or "").strip(), (activity or "").strip()
    if not media:
        errors["media"] = _("媒体：请填写刊发的媒体。")
    if not title:
        errors["title"] = _("标题：请填写。")
    if not isinstance(published_on, datetime.date):
        errors["published_on"] = _("刊发日期：请填写日期，如2014-05-20。")
    if errors:
        raise invalid(errors, "SUP-2")
    link = _check_link(link)
    if case is None and not activity:
        raise invalid({"activity": _("宣传的活动：请选择典型案例或填写宣传的活动。")}, "SUP-2")
    return media, title, link, activity


@transaction.atomic
def add_publicity(
    actor, *, org: Org, media: str, published_on, title: str, link: str = "", case=None, activity: str = ""
) -> PublicityItem:
    check_edits(actor, org)
    found = _case_of(actor, org, case)
    media, title, link, activity = clean_publicity(
        media=media, published_on=published_on, title=title, link=link, activity=activity, case=found
    )
    item = PublicityItem.objects.create(
        org=org,
        year=published_on.year,
        media=media[:60],
        published_on=published_on,
        title=title[:150],
        link=link,
        case=found,
        activity=activity[:150],
        created_by=actor,
    )
    audit.record(AuditAction.CREATE, actor=actor, obj=item)
    return item


@transaction.atomic
def add_practice(
    actor,
    *,
    org: Org,
    title: str,
    issued_on,
    document,
    document_number: str = "",
    summary: str = "",
    case=None,
) -> Practice:
    """A practice turned into a rule (制度规定), with its document (notice 四.2)."""
    check_edits(actor, org)
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("制度名称：请填写。")
    if not isinstance(issued_on, datetime.date):
        errors["issued_on"] = _("印发日期：请填写日期，如2014-08-30。")
    if document is None:
        errors["document"] = _("制度文件：请上传制度文件（Word 或 PDF）。")
    if errors:
        raise invalid(errors, "SUP-4")
    found = _case_of(actor, org, case)
    practice = Practice(
        org=org,
        year=issued_on.year,
        title=title[:150],
        document_number=(document_number or "").strip()[:60],
        issued_on=issued_on,
        summary=(summary or "").strip(),
        case=found,
        created_by=actor,
    )
    try:
        kind = uploads.DOCUMENTS.check(document, field="document", label=_("制度文件"))
    except uploads.UploadError as exc:
        raise invalid({"document": str(exc)}, "SEC-10") from None
    with uploads.store_private(document, kind, "oversight") as stored:
        for name, data in stored.fields().items():
            setattr(practice, name, data)
        practice.save()
    audit.record(AuditAction.CREATE, actor=actor, obj=practice)
    return practice
