"""Campaigns and their calendar (CAM-1)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from fuqing.core.scoping import ScopedQuerySet, user_scope
from fuqing.orgs.models import OrgKind


class InheritedDownQuerySet(ScopedQuerySet):
    """Objects a federation sets for everyone below it: visible to its subtree and to its ancestors'
    scopes as usual, and also to every unit beneath it (a district sees the city's campaign)."""

    def visible_to(self, user):
        scope = user_scope(user)
        if not scope.read_paths:
            return self.none()
        ancestor_paths = {p[:i] for p in scope.read_paths for i in range(4, len(p) + 1, 4)}
        field = f"{self.model.scope_field}__path"
        return super().visible_to(user) | self.filter(**{f"{field}__in": sorted(ancestor_paths)})


class Campaign(models.Model):
    """One year's 下基层、访妇情、办实事 campaign, run by a federation for its whole subtree."""

    scope_field = "org"
    scope_volunteer = "*"  # the year's campaign frames every page, a volunteer's too
    scope_inherits_down = True

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=100)
    theme = models.CharField(_("主题"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    survey_month = models.PositiveSmallIntegerField(_("妇女需求调研月"), default=4)
    notes = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InheritedDownQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="campaign_one_per_year")]

    def __str__(self):
        return f"{self.year}年{self.name}"

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("结束日期不能早于开始日期。")
        if self.starts_on and self.year and self.starts_on.year != self.year:
            errors["starts_on"] = _("开始日期应在活动年度内。")
        if not 1 <= (self.survey_month or 0) <= 12:
            errors["survey_month"] = _("调研月应为 1 至 12 之间的月份。")
        if errors:
            raise ValidationError(errors)

    @property
    def survey_month_range(self) -> tuple[datetime.date, datetime.date]:
        start = datetime.date(self.year, self.survey_month, 1)
        nxt = datetime.date(self.year + (self.survey_month == 12), self.survey_month % 12 + 1, 1)
        return start, nxt - datetime.timedelta(days=1)


class DeadlineKind(models.TextChoices):
    """What a deadline asks for: a document, one of the two activity summaries (SUP-3: the platform
    drafts them), or the unit's implementation plan (CAM-3: submitting the plan satisfies it)."""

    DOCUMENT = "document", _("文件材料")
    SURVEY_SUMMARY = "survey_summary", _("调研月活动总结")
    ANNUAL_SUMMARY = "annual_summary", _("全年活动总结")
    PLAN = "plan", _("实施方案")


SUMMARY_KINDS = (DeadlineKind.SURVEY_SUMMARY, DeadlineKind.ANNUAL_SUMMARY)


class DeadlineQuerySet(InheritedDownQuerySet):
    def upcoming(self, today: datetime.date):
        return self.filter(due_on__gte=today).order_by("due_on")


class Deadline(models.Model):
    """A date by which units owe a submission (CAM-1); who owes it is configured, not hard-coded."""

    scope_field = "campaign__org"
    scope_inherits_down = True

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deadlines")
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    due_on = models.DateField(_("截止日期"))
    description = models.CharField(_("说明"), max_length=300, blank=True)
    owed_by_kinds = models.JSONField(_("报送单位类型"), default=list, blank=True)
    remind_days_before = models.PositiveSmallIntegerField(_("提前提醒天数"), default=7)
    kind = models.CharField(
        _("报送内容"), max_length=20, choices=DeadlineKind.choices, default=DeadlineKind.DOCUMENT
    )
    # Units named one by one, besides (or instead of) every unit of the kinds above (CAM-2).
    owed_by_orgs = models.ManyToManyField(
        "orgs.Org", verbose_name=_("指定报送单位"), blank=True, related_name="+"
    )

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("截止日期")
        verbose_name_plural = _("截止日期")
        ordering = ["due_on"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="deadline_code_unique")]

    def __str__(self):
        return f"{self.name}（{self.due_on:%Y-%m-%d}）"

    @property
    def owed_by_labels(self) -> str:
        return "、".join(str(OrgKind(k).label) for k in self.owed_by_kinds if k in OrgKind.values)

    @property
    def is_summary(self) -> bool:
        return self.kind in SUMMARY_KINDS

    def reminds_on(self) -> datetime.date:
        return self.due_on - datetime.timedelta(days=self.remind_days_before)
