"""What units owe (CAM-2): one ``Obligation`` per unit and deadline and its ``Submission`` versions (the
unit's users are reminded through core's ``Reminder``, see ``campaigns.reminders``)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fuqing.campaigns.models.stored import StoredFile
from fuqing.core.scoping import ScopedQuerySet


class ObligationStatus(models.TextChoices):
    ON_TIME = "on_time", _("按时报送")
    LATE = "late", _("逾期报送")
    MISSING = "missing", _("未报送")
    PENDING = "pending", _("待报送")


def status_q(status: str, today: datetime.date) -> Q:
    """The rows of one status on ``today``. Timeliness is judged by the first submission (decision D17)."""
    due = F("deadline__due_on")
    if status == ObligationStatus.ON_TIME:
        return Q(first_submitted_on__isnull=False, first_submitted_on__lte=due)
    if status == ObligationStatus.LATE:
        return Q(first_submitted_on__isnull=False, first_submitted_on__gt=due)
    if status == ObligationStatus.MISSING:
        return Q(first_submitted_on__isnull=True, deadline__due_on__lt=today)
    if status == ObligationStatus.PENDING:
        return Q(first_submitted_on__isnull=True, deadline__due_on__gte=today)
    raise ValueError(status)


class ObligationQuerySet(ScopedQuerySet):
    def owed(self):
        return self.filter(is_owed=True)

    def with_status(self, status: str, today: datetime.date):
        return self.filter(status_q(status, today))

    def status_counts(self, today: datetime.date) -> dict:
        """owed / on_time / late / missing / pending in one aggregate query."""
        counts = self.aggregate(
            owed=Count("pk"),
            **{s: Count("pk", filter=status_q(s, today)) for s in ObligationStatus.values},
        )
        return counts


class Obligation(models.Model):
    """A unit owes a deadline (CAM-2). Rows follow the deadline's owed-by configuration
    (``services.sync_obligations``); the first and last submission are kept here so the
    completeness table is one indexed query."""

    scope_field = "org"

    deadline = models.ForeignKey(
        "campaigns.Deadline", verbose_name=_("截止事项"), on_delete=models.CASCADE, related_name="obligations"
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="+"
    )
    # False once the configuration no longer names the unit but it had already submitted (history kept).
    is_owed = models.BooleanField(_("应报送"), default=True)
    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    first_submitted_on = models.DateField(_("首次报送日期"), null=True, blank=True)
    last_submitted_at = models.DateTimeField(_("最近报送时间"), null=True, blank=True)
    versions = models.PositiveSmallIntegerField(_("版本数"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ObligationQuerySet.as_manager()

    class Meta:
        verbose_name = _("报送任务")
        verbose_name_plural = _("报送任务")
        ordering = ["deadline__due_on", "org__path"]
        constraints = [models.UniqueConstraint(fields=["deadline", "org"], name="obligation_unique")]
        indexes = [models.Index(fields=["deadline", "is_owed", "first_submitted_on"])]

    def __str__(self):
        return f"{self.org} · {self.deadline.name}"

    def status(self, today: datetime.date) -> str:
        if self.first_submitted_on is None:
            return ObligationStatus.MISSING if self.deadline.due_on < today else ObligationStatus.PENDING
        if self.first_submitted_on > self.deadline.due_on:
            return ObligationStatus.LATE
        return ObligationStatus.ON_TIME

    @property
    def days_late(self) -> int:
        if self.first_submitted_on is None:
            return 0
        return max(0, (self.first_submitted_on - self.deadline.due_on).days)

    def days_left(self, today: datetime.date) -> int:
        return (self.deadline.due_on - today).days


class Submission(StoredFile):
    """One version of a unit's submission for a deadline: a document, or its implementation plan.
    A new version replaces the current one; earlier versions stay (CAM-2)."""

    scope_field = "obligation__org"

    obligation = models.ForeignKey(
        Obligation, verbose_name=_("报送任务"), on_delete=models.PROTECT, related_name="submissions"
    )
    version = models.PositiveSmallIntegerField(_("版本"))
    plan_version = models.ForeignKey(
        "campaigns.PlanVersion",
        verbose_name=_("实施方案版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_current = models.BooleanField(_("当前版本"), default=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"), db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("报送材料")
        verbose_name_plural = _("报送材料")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["obligation", "version"], name="submission_version_unique")
        ]

    def __str__(self):
        return f"{self.obligation} v{self.version}"

    @property
    def submitted_on(self) -> datetime.date:
        return timezone.localdate(self.submitted_at)

    @property
    def is_late(self) -> bool:
        return self.submitted_on > self.obligation.deadline.due_on
