"""Livelihood projects (PRJ-1 … PRJ-5): projects, indicators, split targets, monthly progress with its
history, beneficiaries linked to the registry, volunteers, empty-nest households and their pairs.

A project is set by a federation for its whole subtree (the city's projects are every district's work),
so projects and indicators are visible down the tree like campaigns. Everything a unit records — its
target, its monthly values, its beneficiaries, its pairs — belongs to that unit.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fuqing.campaigns.models import InheritedDownQuerySet
from fuqing.core.crypto import EncryptedTextField, MaskField
from fuqing.core.masking import mask_name, mask_phone
from fuqing.core.scoping import ScopedQuerySet

AMOUNT = {"max_digits": 16, "decimal_places": 2}


class Unit(models.TextChoices):
    """The unit an indicator is counted in (PRJ-1)."""

    ITEM = "item", _("个")
    PERSON_TIME = "person_time", _("人次")
    YUAN = "yuan", _("元")
    HOUSEHOLD = "household", _("户")
    PERSON = "person", _("人")


class Source(models.TextChoices):
    """Where an indicator's value comes from: typed monthly, or computed from records (PRJ-3)."""

    REPORTED = "reported", _("按月填报")
    BENEFICIARIES = "beneficiaries", _("由受益人记录计算")
    VOLUNTEER_PAIRS = "volunteer_pairs", _("由志愿者结对记录计算")


class Measure(models.TextChoices):
    """What a computed indicator counts in its records."""

    RECORDS = "records", _("受助人次（记录数）")
    WOMEN = "women", _("受助妇女人数（不重复）")
    AMOUNT = "amount", _("金额合计")
    VOLUNTEERS = "volunteers", _("结对志愿者人数（不重复）")
    HOUSEHOLDS = "households", _("结对家庭户数（不重复）")
    PAIRS = "pairs", _("结对数")


MEASURES_BY_SOURCE = {
    Source.REPORTED: set(),
    Source.BENEFICIARIES: {Measure.RECORDS, Measure.WOMEN, Measure.AMOUNT},
    Source.VOLUNTEER_PAIRS: {Measure.VOLUNTEERS, Measure.HOUSEHOLDS, Measure.PAIRS},
}


def _pair_values(user_id, field):
    """For a volunteer's scope (PRJ-5): ``field`` of the pairs she is in."""
    return VolunteerPair._base_manager.filter(volunteer__user=user_id).values(field)


class Project(models.Model):
    """A livelihood project of one campaign year, run by a federation for its subtree (PRJ-1)."""

    scope_field = "org"
    scope_volunteer = staticmethod(lambda qs, uid: qs.filter(pk__in=_pair_values(uid, "project")))
    scope_inherits_down = True

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    name = models.CharField(_("项目名称"), max_length=100)
    lead_department = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("牵头部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.TextField(_("项目内容"), blank=True)
    help_kinds = models.JSONField(_("帮扶类别"), default=list, blank=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InheritedDownQuerySet.as_manager()

    class Meta:
        verbose_name = _("实事项目")
        verbose_name_plural = _("实事项目")
        ordering = ["year", "sort", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "year", "name"], name="project_name_unique")]

    def __str__(self):
        return f"{self.year}年{self.name}"


class Indicator(models.Model):
    """A countable result of a project with its annual target (PRJ-1).

    ``target`` is the target of the project's own organisation; parts of it given to lower units are
    ``Target`` rows (PRJ-2). ``profile`` optionally holds twelve cumulative percentages (end of each
    month) for the expected value; without it the expectation is linear over the campaign period.
    """

    scope_field = "project__org"
    scope_inherits_down = True

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("指标名称"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=20, choices=Unit.choices)
    target = models.DecimalField(_("年度目标"), null=True, blank=True, **AMOUNT)
    source = models.CharField(_("数据来源"), max_length=20, choices=Source.choices, default=Source.REPORTED)
    measure = models.CharField(_("计算口径"), max_length=20, choices=Measure.choices, blank=True)
    help_kind = models.CharField(_("计入的帮扶类别"), max_length=30, blank=True)
    profile = models.JSONField(_("进度曲线"), null=True, blank=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)
    notes = models.CharField(_("说明"), max_length=200, blank=True)

    objects = InheritedDownQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["project__sort", "project_id", "sort", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="indicator_name_unique")]

    def __str__(self):
        return self.name

    @property
    def is_reported(self) -> bool:
        return self.source == Source.REPORTED

    @property
    def source_label(self) -> str:
        if self.is_reported:
            return str(self.get_source_display())
        label = str(self.get_measure_display())
        return (
            _("%(name)s（%(detail)s）") % {"name": label, "detail": self.help_kind}
            if self.help_kind
            else label
        )


class TargetQuerySet(ScopedQuerySet):
    def drafts(self):
        return self.filter(draft=True)


class Target(models.Model):
    """The part of an indicator's target given to one unit by its parent unit (PRJ-2).

    The parts of one parent's split are its children's rows; they should add up to the parent's own
    target. A split may be saved unbalanced as a draft (flagged everywhere it shows); issuing it
    requires the parts to add up exactly.
    """

    scope_field = "org"

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    org = models.ForeignKey("orgs.Org", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("分解目标"), **AMOUNT)
    draft = models.BooleanField(_("草稿"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("分解目标")
        verbose_name_plural = _("分解目标")
        ordering = ["indicator_id", "org__path"]
        constraints = [models.UniqueConstraint(fields=["indicator", "org"], name="target_one_per_unit")]

    def __str__(self):
        return f"{self.indicator} · {self.org}"


class ProgressQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(superseded_at__isnull=True)


class ProgressEntry(models.Model):
    """A unit's value of an indicator for one month (PRJ-3). Append-only: a correction adds a new
    entry with its reason and marks the old one superseded; the old value, its author and time stay."""

    scope_field = "org"

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="progress")
    org = models.ForeignKey("orgs.Org", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.DateField(_("月份"))  # the first day of the month
    value = models.DecimalField(_("本月完成数"), **AMOUNT)
    reason = models.CharField(_("更正原因/备注"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("被更正时间"), null=True, blank=True)
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="corrects"
    )

    objects = ProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("月度进度")
        verbose_name_plural = _("月度进度")
        ordering = ["-month", "org__path", "-entered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "org", "month"],
                condition=Q(superseded_at__isnull=True),
                name="progress_one_current_value",
            )
        ]
        indexes = [models.Index(fields=["indicator", "month"], name="progress_indicator_month")]

    def __str__(self):
        return f"{self.indicator} · {self.org} · {self.month:%Y-%m}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class Beneficiary(models.Model):
    """Who received which help, when and how much (PRJ-4), linked to the registry.

    The same help is counted once: one row per woman, project, help kind and date
    (``beneficiary_same_help_once``); a second entry of it is refused, an import row flagged.
    """

    scope_field = "org"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="+")
    help_kind = models.CharField(_("帮扶类别"), max_length=30, blank=True)
    woman = models.ForeignKey(
        "registry.Woman",
        verbose_name=_("受益妇女"),
        on_delete=models.PROTECT,
        related_name="project_benefits",
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("帮扶单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    received_on = models.DateField(_("受助日期"))
    amount = models.DecimalField(_("金额（元）"), null=True, blank=True, **AMOUNT)
    notes = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("受益人")
        verbose_name_plural = _("受益人")
        ordering = ["-received_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["woman", "project", "help_kind", "received_on"], name="beneficiary_same_help_once"
            )
        ]
        indexes = [
            models.Index(fields=["project", "received_on"], name="beneficiary_project_day"),
            # A unit's subtree reaches its records (the scope's units, then their year's records) and the
            # list's keyset pages walk its order to the last tie (issue 16).
            models.Index(
                fields=["org", "year", "received_on", "created_at", "id"], name="beneficiary_org_year"
            ),
            models.Index(fields=["received_on", "created_at", "id"], name="beneficiary_list_order"),
        ]

    def __str__(self):
        return f"{self.woman.masked_name} · {self.help_kind or self.project.name}"


class Volunteer(models.Model):
    """A 巾帼志愿者 of a unit (PRJ-5). Her light-weight account (``user``) is optional: a cadre registers
    her; a system administrator issues the account and a security administrator grants its role."""

    scope_field = "org"
    scope_volunteer = "user"  # a volunteer sees her own profile

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = EncryptedTextField(_("联系电话"), blank=True)
    phone_masked = MaskField(source="phone", masker=mask_phone)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer_profile",
    )
    account_requested = models.BooleanField(_("已申请账户"), default=False)
    notes = models.CharField(_("备注"), max_length=200, blank=True)
    is_active = models.BooleanField(_("在册"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("巾帼志愿者")
        verbose_name_plural = _("巾帼志愿者")
        ordering = ["org__path", "name"]

    def __str__(self):
        return self.name

    @property
    def masked_phone(self) -> str:
        return self.phone_masked  # stored: showing it decrypts nothing (REG-3)


class Household(models.Model):
    """An empty-nest elderly household (空巢老人家庭) a volunteer can be paired with (PRJ-5)."""

    scope_field = "org"
    scope_volunteer = "pairs__volunteer__user"  # the households she is paired with

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所在社区(村)"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("住址"), max_length=200)
    phone = EncryptedTextField(_("联系电话"), blank=True)
    phone_masked = MaskField(source="phone", masker=mask_phone)
    notes = models.CharField(_("家庭情况"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("空巢老人家庭")
        verbose_name_plural = _("空巢老人家庭")
        ordering = ["org__path", "address"]

    def __str__(self):
        # no address: str() ends up in audit records and logs (REG-3); pages show the address themselves
        return f"{self._meta.verbose_name} {str(self.pk)[:8]}"

    @property
    def masked_phone(self) -> str:
        return self.phone_masked  # stored: showing it decrypts nothing (REG-3)


class Sex(models.TextChoices):
    FEMALE = "F", _("女")
    MALE = "M", _("男")


class ElderlyPerson(models.Model):
    """An elderly member of a household; a woman may be linked to her registry record (高龄空巢妇女)."""

    scope_field = "household__org"
    scope_volunteer = "household__pairs__volunteer__user"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="elders")
    name = models.CharField(_("姓名"), max_length=50)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, default=Sex.FEMALE)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    woman = models.ForeignKey(
        "registry.Woman",
        verbose_name=_("妇女档案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="elderly_households",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("老人")
        verbose_name_plural = _("老人")
        ordering = ["household_id", "id"]

    def __str__(self):
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)


class PairQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(ended_on__isnull=True)

    def of_volunteer_user(self, user):
        return self.filter(volunteer__user=user)


class VolunteerPair(models.Model):
    """A volunteer paired with a household under a project (PRJ-5); counts toward both the volunteers
    and the households indicators. It belongs to the household's unit."""

    scope_field = "org"
    scope_volunteer = "volunteer__user"  # her own pairs

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="pairs"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("家庭"), on_delete=models.PROTECT, related_name="pairs"
    )
    org = models.ForeignKey("orgs.Org", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    started_on = models.DateField(_("结对日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    notes = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PairQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿者结对")
        verbose_name_plural = _("志愿者结对")
        ordering = ["-started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "volunteer", "household"], name="pair_once_per_project"
            )
        ]

    def __str__(self):
        return f"{self.volunteer} — {self.household}"
