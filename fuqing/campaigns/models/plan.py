"""Implementation plans (实施方案, CAM-3): one per unit and campaign, every saved state kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fuqing.campaigns.models.stored import StoredFile
from fuqing.core.scoping import ScopedQuerySet


class PlanQuerySet(ScopedQuerySet):
    def submitted(self):
        return self.filter(submitted_at__isnull=False)


class Plan(models.Model):
    """A unit's plan for the campaign: goals, responsibilities, leaders, measures (CAM-3)."""

    scope_field = "org"

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="plans"
    )
    org = models.ForeignKey("orgs.Org", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=200)
    goals = models.TextField(_("活动目标"))
    responsibilities = models.TextField(_("工作责任"))
    measures = models.TextField(_("主要措施"), blank=True)
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("牵头领导"), related_name="+", blank=True
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_version = models.PositiveIntegerField(_("提交的版本"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("实施方案")
        verbose_name_plural = _("实施方案")
        ordering = ["org__path"]
        constraints = [models.UniqueConstraint(fields=["campaign", "org"], name="plan_one_per_unit")]

    def __str__(self):
        return self.title

    @property
    def status_label(self) -> str:
        if self.submitted_at is None:
            return str(_("草稿"))
        if self.submitted_version != self.version:
            return str(_("已提交，之后有修改"))
        return str(_("已提交"))


class PlanVersion(models.Model):
    """One saved state of a plan (history): what it said, who saved it, when."""

    scope_field = "plan__org"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=200)
    goals = models.TextField(_("活动目标"))
    responsibilities = models.TextField(_("工作责任"))
    measures = models.TextField(_("主要措施"), blank=True)
    leaders = models.JSONField(_("牵头领导"), default=list)  # [{"id", "name", "position"}] as saved
    event = models.CharField(_("操作"), max_length=20)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(_("保存时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("实施方案版本")
        verbose_name_plural = _("实施方案版本")
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["plan", "version"], name="planversion_unique")]

    def __str__(self):
        return f"{self.title} v{self.version}"

    @property
    def leader_names(self) -> str:
        return "、".join(item.get("name", "") for item in self.leaders)


class PlanAttachmentQuerySet(ScopedQuerySet):
    def present(self):
        return self.filter(removed_at__isnull=True)


class PlanAttachment(StoredFile):
    """A file attached to a plan (type and size checked); removing one keeps the record."""

    scope_field = "plan__org"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    removed_at = models.DateTimeField(_("移除时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PlanAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("实施方案附件")
        verbose_name_plural = _("实施方案附件")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.file_name
