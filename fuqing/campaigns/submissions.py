"""Submissions and timeliness (CAM-2): units upload what they owe, replace it (history kept), and the
research office reads completeness and timeliness down the tree."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.campaigns import reminders
from fuqing.campaigns.errors import invalid
from fuqing.campaigns.models import (
    Campaign,
    DeadlineKind,
    Obligation,
    ObligationStatus,
    Submission,
)
from fuqing.campaigns.models.submission import status_q
from fuqing.core import audit, uploads
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require
from fuqing.core.scoping import can_edit, subtree_q
from fuqing.orgs.models import Org


def can_submit(user, obligation: Obligation) -> bool:
    return (
        obligation.is_owed
        and user.has_module_perm("campaigns", "edit")
        and can_edit(user, obligation)
        and obligation.deadline.kind != DeadlineKind.PLAN
    )


def _check_submitter(actor, obligation: Obligation) -> None:
    if actor is None:  # the demo loader
        return
    require(actor, "campaigns", "edit")
    if not can_edit(actor, obligation):
        raise PermissionDenied(_("只读范围：您可以查看该单位的报送情况，但不能替它报送。"))


@transaction.atomic
def submit_document(
    actor, obligation: Obligation, upload, note: str = "", at: datetime.datetime | None = None
) -> Submission:
    """Upload the unit's document for a deadline (CAM-2). A later upload replaces the current version;
    earlier ones stay. Type and size are checked (SEC-10); the file lives outside the web root.
    ``at`` (the demo loader only) backdates the submission."""
    _check_submitter(actor, obligation)
    if not obligation.is_owed:
        raise invalid({"file": _("本单位已不在该事项的报送范围内，无需报送。")}, "CAM-2")
    if obligation.deadline.kind == DeadlineKind.PLAN:
        raise invalid({"file": _("该事项以实施方案报送：请在“实施方案”中提交本单位方案。")}, "CAM-2")
    if len(note or "") > 200:
        raise invalid({"note": _("说明不能超过 200 个字。")}, "CAM-2")
    kind = uploads.DOCUMENTS.check(upload)
    with uploads.store_private(upload, kind, "submissions") as stored:
        submission = _record(actor, obligation, at, note=note, **stored.fields())
    return submission


def _record(actor, obligation: Obligation, at, **fields) -> Submission:
    """A new current version, the obligation's timeliness fields, the unit's reminders resolved."""
    at = at or timezone.now()
    locked = Obligation.objects.select_for_update().select_related("deadline").get(pk=obligation.pk)
    locked.submissions.filter(is_current=True).update(is_current=False)
    submission = Submission.objects.create(
        obligation=locked,
        version=locked.versions + 1,
        submitted_by=actor,
        submitted_at=at,
        is_current=True,
        **fields,
    )
    if locked.first_submitted_at is None:
        locked.first_submitted_at = at
        locked.first_submitted_on = timezone.localdate(at)
    locked.last_submitted_at = at
    locked.versions += 1
    locked.save(update_fields=["first_submitted_at", "first_submitted_on", "last_submitted_at", "versions"])
    reminders.resolve_obligation(locked.pk)
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=submission,
        details={
            "deadline": locked.deadline.code,
            "version": submission.version,
            "late": submission.submitted_on > locked.deadline.due_on,
        },
    )
    for name in ("first_submitted_at", "first_submitted_on", "last_submitted_at", "versions"):
        setattr(obligation, name, getattr(locked, name))
    return submission


def record_plan(actor, plan, plan_version, at=None) -> list[Submission]:
    """Submitting a plan satisfies the unit's "implementation plan" deadlines of that campaign."""
    obligations = Obligation.objects.filter(
        org=plan.org, is_owed=True, deadline__campaign=plan.campaign, deadline__kind=DeadlineKind.PLAN
    )
    return [_record(actor, o, at, plan_version=plan_version) for o in obligations]


# --- reading: the completeness / timeliness table ------------------------------------------------


@dataclass
class Counts:
    owed: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    pending: int = 0

    @property
    def submitted(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> float | None:
        """Share submitted on time among those already due."""
        due = self.on_time + self.late + self.missing
        return self.on_time / due if due else None


def campaign_obligations(user, campaign: Campaign):
    """The obligations of ``campaign`` the user sees (ORG-3), owed rows only."""
    return Obligation.objects.visible_to(user).filter(deadline__campaign=campaign, is_owed=True)


def counts_by_deadline(queryset, today: datetime.date) -> dict[int, Counts]:
    """One GROUP BY: for each deadline, how many owe, submitted on time, late, missing, pending."""
    rows = queryset.values("deadline_id").annotate(
        owed=Count("pk"), **{s: Count("pk", filter=status_q(s, today)) for s in ObligationStatus.values}
    )
    return {
        row["deadline_id"]: Counts(**{k: row[k] for k in ("owed", *ObligationStatus.values)}) for row in rows
    }


@dataclass
class Branch:
    org: Org | None
    path: str
    counts: Counts
    is_self: bool = False


def counts_by_branch(queryset, under: Org, today: datetime.date) -> list[Branch]:
    """Down the tree: the counts of each child of ``under`` over its whole subtree (GROUP BY the
    child's path prefix), plus ``under``'s own rows."""
    width = (under.depth + 1) * Org.steplen
    rows = (
        queryset.filter(subtree_q(under.path, "org__path"))
        .annotate(branch=Substr("org__path", 1, width))
        .values("branch")
        .annotate(
            owed=Count("pk"),
            **{s: Count("pk", filter=status_q(s, today)) for s in ObligationStatus.values},
        )
        .order_by("branch")
    )
    rows = list(rows)
    orgs = {o.path: o for o in Org.objects.filter(path__in=[r["branch"] for r in rows])}
    return [
        Branch(
            org=orgs.get(r["branch"]),
            path=r["branch"],
            counts=Counts(**{k: r[k] for k in ("owed", *ObligationStatus.values)}),
            is_self=r["branch"] == under.path,
        )
        for r in rows
    ]


STATUS_FILTERS = tuple(ObligationStatus.values)


def table_rows(queryset):
    return queryset.select_related("org", "deadline").order_by("deadline__due_on", "org__path")
