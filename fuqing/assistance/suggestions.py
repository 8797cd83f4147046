"""Conversion of findings (NEED-6): suggestions drawn from needs and reports, their outcome and documents."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.assistance.access import check_org, require_edit
from fuqing.assistance.models import (
    Need,
    Suggestion,
    SuggestionChannel,
    SuggestionOutcome,
    SuggestionRecipient,
    SuggestionStage,
    report_model,
)
from fuqing.core import audit, uploads
from fuqing.core.models import AuditAction


def _clean(values: dict) -> dict:
    errors = {}
    values["title"] = (values.get("title") or "").strip()
    if not values["title"]:
        errors["title"] = _("建议标题必填。")
    elif len(values["title"]) > 200:
        errors["title"] = _("建议标题不能超过 200 个字。")
    if values.get("channel") not in SuggestionChannel.values:
        errors["channel"] = _("请选择报送渠道（信息报送、两会提案/议案、联席会议）。")
    if values.get("recipient") not in SuggestionRecipient.values:
        errors["recipient"] = _("请选择报送对象（党委、人大、政府、政协或有关部门）。")
    values["recipient_name"] = (values.get("recipient_name") or "").strip()
    if values.get("recipient") == SuggestionRecipient.DEPARTMENT and not values["recipient_name"]:
        errors["recipient_name"] = _("报送对象为有关部门时，须填写部门名称。")
    year = values.get("year")
    if not year or not 2000 <= int(year) <= 2100:
        errors["year"] = _("年度应为四位年份。")
    if errors:
        raise ValidationError(errors, code="NEED-6")
    return values


def _check_evidence(actor, needs, reports) -> None:
    Report = report_model()
    if actor is None:
        return
    need_ids = {n.pk for n in needs}
    if need_ids and Need.objects.visible_to(actor).filter(pk__in=need_ids).count() != len(need_ids):
        raise ValidationError({"needs": _("只能引用您数据范围内的诉求。")}, code="NEED-6")
    report_ids = {r.pk for r in reports}
    if report_ids and Report.objects.visible_to(actor).filter(pk__in=report_ids).count() != len(report_ids):
        raise ValidationError({"reports": _("只能引用您数据范围内的调研报告。")}, code="NEED-6")


@transaction.atomic
def create_suggestion(
    actor,
    *,
    org,
    year: int,
    title: str,
    channel: str,
    recipient: str,
    recipient_name: str = "",
    content: str = "",
    needs=(),
    reports=(),
) -> Suggestion:
    """A suggestion with its evidence (NEED-6)."""
    if actor is not None:
        require_edit(actor)
    check_org(actor, org, code="NEED-6")
    values = _clean(
        {
            "title": title,
            "channel": channel,
            "recipient": recipient,
            "recipient_name": recipient_name,
            "year": year,
        }
    )
    _check_evidence(actor, needs, reports)
    suggestion = Suggestion.objects.create(org=org, content=content.strip(), created_by=actor, **values)
    suggestion.needs.set(needs)
    suggestion.reports.set(reports)
    audit.record(AuditAction.CREATE, actor=actor, obj=suggestion, details={"needs": len(needs)})
    return suggestion


@transaction.atomic
def update_suggestion(actor, suggestion: Suggestion, *, needs=None, reports=None, **changes) -> Suggestion:
    require_edit(actor, suggestion)
    fields = ("title", "channel", "recipient", "recipient_name", "year", "content")
    values = _clean({f: changes.get(f, getattr(suggestion, f)) for f in fields})
    _check_evidence(actor, needs or (), reports or ())
    for field, value in values.items():
        setattr(suggestion, field, value.strip() if isinstance(value, str) else value)
    suggestion.save()
    if needs is not None:
        suggestion.needs.set(needs)
    if reports is not None:
        suggestion.reports.set(reports)
    audit.record(AuditAction.UPDATE, actor=actor, obj=suggestion)
    return suggestion


def add_evidence(actor, suggestion: Suggestion, *, needs=(), reports=()) -> None:
    """A need or report joins an existing suggestion (escalation, NEED-4)."""
    require_edit(actor, suggestion)
    _check_evidence(actor, needs, reports)
    suggestion.needs.add(*needs)
    suggestion.reports.add(*reports)


@transaction.atomic
def record_outcome(
    actor,
    suggestion: Suggestion,
    *,
    stage: int,
    happened_on: datetime.date,
    note: str = "",
    document=None,
) -> SuggestionOutcome:
    """A step reached — submitted, answered, adopted, policy issued, included in the government's
    livelihood projects — with its date and document (NEED-6). Steps may be skipped, not undone."""
    if actor is not None:
        require_edit(actor, suggestion)
    errors = {}
    if stage not in SuggestionStage.values or stage == SuggestionStage.DRAFT:
        errors["stage"] = _("请选择进展（已报送、已答复、已采纳、出台政策、纳入政府民生实事）。")
    elif stage != SuggestionStage.SUBMITTED and suggestion.stage < SuggestionStage.SUBMITTED:
        errors["stage"] = _("建议须先登记“已报送”，才能登记后续进展。")
    elif suggestion.outcomes.filter(stage=stage).exists():
        errors["stage"] = _("该进展已登记过。")
    if happened_on is None:
        errors["happened_on"] = _("日期必填。")
    elif happened_on > timezone.localdate():
        errors["happened_on"] = _("日期不能晚于今天。")
    else:
        earlier = suggestion.outcomes.filter(stage__lt=stage).order_by("-happened_on").first()
        if earlier and happened_on < earlier.happened_on:
            errors["happened_on"] = _("日期不能早于上一进展（%(s)s，%(d)s）。") % {
                "s": earlier.get_stage_display(),
                "d": earlier.happened_on.isoformat(),
            }
    if errors:
        raise ValidationError(errors, code="NEED-6")
    outcome = SuggestionOutcome(
        suggestion=suggestion, stage=stage, happened_on=happened_on, note=note.strip(), recorded_by=actor
    )
    if document is not None:
        kind = uploads.SUGGESTION_DOCUMENTS.check(document)
        outcome.document_name = uploads.clean_name(document.name)
        outcome.document.save(uploads.stored_name(kind), document, save=False)
    outcome.save()
    if stage > suggestion.stage:
        suggestion.stage = stage
        suggestion.save(update_fields=["stage"])
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=suggestion,
        details={"stage": int(stage), "document": bool(document)},
    )
    return outcome


def achievements(suggestion: Suggestion) -> list[dict]:
    """Each stage after the draft with its date when reached (expects ``outcomes`` prefetched)."""
    reached = {o.stage: o for o in suggestion.outcomes.all()}
    return [
        {"stage": stage, "label": label, "outcome": reached.get(stage)}
        for stage, label in SuggestionStage.choices
        if stage != SuggestionStage.DRAFT
    ]
