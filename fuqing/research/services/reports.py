"""Research reports (RES-2) and their workflow (RES-3).

A report is written and changed only as a draft. Its unit's cadres submit it; the parent unit's leaders
or the research office review it; the research office recommends it to the province. A submitted or
reviewed report changes only after it is sent back (退回) to draft — by a reviewer, or withdrawn (撤回)
by its unit before review. Every step is an event row (the timeline) and an audit record.

A submitted report is a document of record: submitting takes a snapshot of its figures (``take_figures``)
that every later view, the Qiushi Cup, the book and the Word file show (``figure_scope``); sending it back
to draft drops the snapshot, so the draft is live again and the next submission takes fresh figures.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.assistance.models import Need
from fuqing.core import audit, figures
from fuqing.core.documents import clean_text
from fuqing.core.figures import FigureScope
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require
from fuqing.core.scoping import ensure_editable, subtree_q
from fuqing.fieldwork.models import Visit
from fuqing.research import markup, rules
from fuqing.research.models import SECTIONS, Report, ReportEvent, ReportEventKind, ReportStatus, Topic

S = ReportStatus

# action: (from statuses, to status, event kind, who may, comment required)
TRANSITIONS = {
    "submit": ((S.DRAFT,), S.SUBMITTED, ReportEventKind.SUBMITTED, rules.can_submit, False),
    "withdraw": ((S.SUBMITTED,), S.DRAFT, ReportEventKind.WITHDRAWN, rules.can_submit, False),
    "return": ((S.SUBMITTED, S.REVIEWED), S.DRAFT, ReportEventKind.RETURNED, rules.can_review, True),
    "review": ((S.SUBMITTED,), S.REVIEWED, ReportEventKind.REVIEWED, rules.can_review, False),
    "recommend": ((S.REVIEWED,), S.RECOMMENDED, ReportEventKind.RECOMMENDED, rules.can_recommend, False),
}
ACTION_LABELS = {
    "submit": _("报送"),
    "withdraw": _("撤回"),
    "return": _("退回修改"),
    "review": _("审核通过"),
    "recommend": _("推荐到省妇联"),
}
WHO = {
    "submit": _("只有报告所属单位的干部可以报送或撤回报告。"),
    "withdraw": _("只有报告所属单位的干部可以报送或撤回报告。"),
    "return": _("只有上级单位领导或研究室可以审核、退回报告。"),
    "review": _("只有上级单位领导或研究室可以审核、退回报告。"),
    "recommend": _("只有研究室可以向省妇联推荐报告。"),
}
MAX_COMMENT = 2000


def _event(report: Report, actor, kind: str, comment: str = "", from_status: str = "", to_status: str = ""):
    return ReportEvent.objects.create(
        report=report,
        kind=kind,
        actor=actor,
        actor_name=actor.display_name if actor else "",
        actor_org_name=actor.org.name if actor and actor.org_id else "",
        from_status=from_status,
        to_status=to_status,
        comment=comment,
    )


def _clean_sections(values: dict) -> dict:
    """RES-2: situation, analysis and recommendations are all required; figures must exist."""
    errors, cleaned = {}, {}
    for field, label, _heading in SECTIONS:
        text = clean_text(values.get(field) or "").strip()
        if not text:
            errors[field] = _("“%(s)s”不能为空：调研报告须有情况、分析和建议三部分。") % {"s": label}
        elif len(text) > markup.MAX_SECTION_CHARS:
            errors[field] = _("“%(s)s”不能超过 %(n)d 个字。") % {"s": label, "n": markup.MAX_SECTION_CHARS}
        elif unknown := markup.unknown_figures(text):
            errors[field] = _("“%(s)s”中的数据项 %(k)s 不存在，可用的数据项见“插入数据”。") % {
                "s": label,
                "k": "、".join(unknown),
            }
        cleaned[field] = text
    title = clean_text(values.get("title") or "").strip()
    if not title:
        errors["title"] = _("标题不能为空。")
    elif len(title) > 200:
        errors["title"] = _("标题不能超过 200 个字。")
    cleaned["title"] = title
    cleaned["authors"] = clean_text(values.get("authors") or "").strip()[:200]
    if errors:
        raise ValidationError(errors, code="RES-2")
    return cleaned


def _check_topic(actor, org, year: int, topic: Topic | None) -> None:
    if topic is None:
        return
    if not Topic.objects.visible_to(actor).filter(pk=topic.pk).exists():
        raise ValidationError({"topic": _("找不到该重点调研课题。")}, code="RES-2")
    if topic.year != year:
        raise ValidationError(
            {"topic": _("所选课题属于%(y)d年，与报告年度不一致。") % {"y": topic.year}}, code="RES-2"
        )
    if not (org.path.startswith(topic.org.path) or topic.org.path.startswith(org.path)):
        raise ValidationError({"topic": _("所选课题不属于本单位。")}, code="RES-2")


def _check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("年度应为四位年份。")}, code="RES-2") from None
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年度应为四位年份。")}, code="RES-2")
    return year


@transaction.atomic
def create_report(actor, *, org, year, topic: Topic | None = None, **values) -> Report:
    """Write a new draft for ``org`` (RES-2)."""
    require(actor, "research", "edit")
    ensure_editable(actor, org)
    year = _check_year(year)
    cleaned = _clean_sections(values)
    _check_topic(actor, org, year, topic)
    report = Report.objects.create(org=org, year=year, topic=topic, created_by=actor, **cleaned)
    _event(report, actor, ReportEventKind.CREATED, to_status=report.status)
    audit.record(AuditAction.CREATE, actor=actor, obj=report, details={"year": year})
    return report


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("org").get(pk=report.pk)


def _require_draft(report: Report) -> None:
    if report.status != S.DRAFT:
        raise ValidationError(
            _("报告%(s)s，不能直接修改；须由审核人退回（或由本单位在审核前撤回）后再改。")
            % {"s": report.get_status_display()},
            code="RES-3",
        )


@transaction.atomic
def update_report(actor, report: Report, *, year=None, topic: Topic | None = None, **values) -> Report:
    """Change a draft (RES-3: a submitted report is changed only after it is sent back)."""
    require(actor, "research", "edit")
    ensure_editable(actor, report)
    report = _locked(report)
    _require_draft(report)
    year = report.year if year is None else _check_year(year)
    cleaned = _clean_sections(values)
    _check_topic(actor, report.org, year, topic)
    changed = [f for f, v in cleaned.items() if getattr(report, f) != v]
    if year != report.year:
        changed.append("year")
    if topic != report.topic:
        changed.append("topic")
    for field, value in cleaned.items():
        setattr(report, field, value)
    report.year, report.topic = year, topic
    report.save()
    if changed:
        _event(report, actor, ReportEventKind.UPDATED)
        audit.record(AuditAction.UPDATE, actor=actor, obj=report, details={"changed": sorted(changed)})
    return report


@transaction.atomic
def set_evidence(actor, report: Report, *, visits=None, needs=None) -> Report:
    """Link the visits and needs a draft rests on (RES-2); only those the author may see, of the report's
    unit or below."""

    require(actor, "research", "edit")
    ensure_editable(actor, report)
    report = _locked(report)
    _require_draft(report)
    details = {}
    for name, model, wanted in (("visits", Visit, visits), ("needs", Need, needs)):
        if wanted is None:
            continue
        wanted = {str(pk) for pk in wanted}
        allowed = set(
            str(pk)
            for pk in model.objects.visible_to(actor)
            .filter(subtree_q(report.org.path, "org__path"), pk__in=wanted)
            .values_list("pk", flat=True)
        )
        if wanted - allowed:
            raise ValidationError(
                {name: _("所选%(w)s中有不属于本单位或无权查看的记录。") % {"w": model._meta.verbose_name}},
                code="RES-2",
            )
        getattr(report, name).set(list(allowed))
        details[name] = len(allowed)
    _event(report, actor, ReportEventKind.EVIDENCE)
    audit.record(AuditAction.UPDATE, actor=actor, obj=report, details={"evidence": details})
    return report


def take_figures(report: Report, user=None, at=None) -> None:
    """Freeze the report's figures: computed now for its unit and year (as far as ``user``, the submitter,
    may see; everything under the unit when None), with the moment they were taken. Not saved here."""
    scope = FigureScope.of_year(report.org, report.year, user)
    report.figure_snapshot = figures.snapshot(report.figure_keys(), scope)
    report.figures_as_of = at or timezone.now()


def figure_scope(report: Report, user) -> FigureScope:
    """Where the report's figures come from: its snapshot once submitted, else live for ``user``."""
    if report.figures_as_of is not None and report.figure_snapshot is not None:
        return FigureScope.frozen(report.org, report.year, report.figure_snapshot, report.figures_as_of)
    return FigureScope.of_year(report.org, report.year, user)


def allowed_actions(user, report: Report) -> list[str]:
    """The transitions ``user`` may take on ``report`` now (for the buttons)."""
    return [
        action
        for action, (sources, _to, _kind, who, _c) in TRANSITIONS.items()
        if report.status in sources and who(user, report)
    ]


@transaction.atomic
def transition(actor, report: Report, action: str, comment: str = "") -> Report:
    """Move a report along its workflow by role (RES-3), with an optional (or required) comment."""
    if action not in TRANSITIONS:
        raise ValidationError({"action": _("未知的操作。")}, code="RES-3")
    sources, target, kind, who, needs_comment = TRANSITIONS[action]
    report = _locked(report)
    if not who(actor, report):
        raise PermissionDenied(WHO[action])
    if report.status not in sources:
        raise ValidationError(
            _("报告当前%(s)s，不能%(a)s。") % {"s": report.get_status_display(), "a": ACTION_LABELS[action]},
            code="RES-3",
        )
    comment = clean_text(comment).strip()
    if needs_comment and not comment:
        raise ValidationError({"comment": _("退回修改须填写意见，说明需要修改的地方。")}, code="RES-3")
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": _("意见不能超过 %(n)d 个字。") % {"n": MAX_COMMENT}}, code="RES-3")
    if action == "submit":
        _clean_sections({f: getattr(report, f) for f in ("title", "authors", *(s[0] for s in SECTIONS))})
    source = report.status
    now = timezone.now()
    report.status = target
    stamps = {"submit": "submitted_at", "review": "reviewed_at", "recommend": "recommended_at"}
    if action in stamps:
        setattr(report, stamps[action], now)
    if action == "submit":
        take_figures(report, actor, now)
    if target == S.DRAFT:
        report.reviewed_at = report.recommended_at = None
        report.figure_snapshot = report.figures_as_of = None
    report.save()
    _event(report, actor, kind, comment, from_status=source, to_status=target)
    audit.record(
        AuditAction.UPDATE, actor=actor, obj=report, details={"action": action, "from": source, "to": target}
    )
    return report


@transaction.atomic
def add_comment(actor, report: Report, comment: str) -> ReportEvent:
    """A comment on the report's timeline, by anyone who may act on it or its own unit."""
    comment = clean_text(comment).strip()
    if not comment:
        raise ValidationError({"comment": _("意见不能为空。")}, code="RES-3")
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": _("意见不能超过 %(n)d 个字。") % {"n": MAX_COMMENT}}, code="RES-3")
    if not (rules.is_unit_cadre(actor, report.org) or rules.can_review(actor, report)):
        raise PermissionDenied(_("只有报告所属单位、上级单位领导或研究室可以填写意见。"))
    event = _event(report, actor, ReportEventKind.COMMENTED, comment)
    audit.record(AuditAction.UPDATE, actor=actor, obj=report, details={"action": "comment"})
    return event


@transaction.atomic
def delete_report(actor, report: Report) -> None:
    """Only a draft that was never entered in a competition or a book may be deleted."""
    require(actor, "research", "edit")
    ensure_editable(actor, report)
    report = _locked(report)
    if report.status != S.DRAFT:
        raise ValidationError(_("只能删除草稿。"), code="RES-3")
    if report.cup_entries.exists():
        raise ValidationError(_("该报告已参加“求实杯”评选，不能删除。"), code="RES-3")
    audit.record(AuditAction.DELETE, actor=actor, obj=report, details={"year": report.year})
    report.delete()
