"""Contact points and visits (FLD-1 … FLD-5).

Core contract other apps rely on: ``Visit`` (opaque UUID id, ``org`` = the unit that made the visit,
``started_on``/``ended_on``, ``method``, ``needs_text`` — the needs found, one per line, each recorded as a
``assistance.Need`` of the visit when it is saved, see D50). The id may come from the client, so an
offline replay of the same visit does not duplicate it.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fuqing.core.crypto import EncryptedTextField, MaskField
from fuqing.core.masking import mask_name, mask_phone
from fuqing.core.scoping import ScopedQuerySet

STATIONED_MIN_DAYS = 7  # FLD-3: 蹲点调研时间不少于一周
GRASSROOTS_DAYS_TARGET = 60  # FLD-4: 局、处级干部每年下基层调研时间不少于60天
MAX_VISIT_DAYS = 92


class VisitMethod(models.TextChoices):
    INTERVIEW = "interview", _("一对一访谈")
    FORUM = "forum", _("座谈交流")
    QUESTIONNAIRE = "questionnaire", _("问卷调查")
    HOME_VISIT = "home_visit", _("入户走访")
    STATIONED = "stationed", _("蹲点调研")


class ContactPoint(models.Model):
    """A fixed place a leadership member or a department keeps visiting (FLD-1).

    ``org`` is the unit that keeps it (a federation or a city department); ``keeper`` the leadership
    member, when it is hers rather than the department's; ``place`` the district, township or community.
    """

    scope_field = "org"

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("负责单位"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.ForeignKey(
        "orgs.Org", verbose_name=_("联系点"), on_delete=models.PROTECT, related_name="contact_points"
    )
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联系领导"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_points",
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    contact_phone_masked = MaskField(source="contact_phone", masker=mask_phone)
    since_year = models.PositiveSmallIntegerField(_("建立年度"))
    notes = models.TextField(_("备注"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("联系点")
        verbose_name_plural = _("联系点")
        ordering = ["org", "place"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "place", "keeper"], name="contactpoint_unique_keeper_place"
            ),
            models.UniqueConstraint(
                fields=["org", "place"],
                condition=models.Q(keeper__isnull=True),
                name="contactpoint_unique_unit_place",
            ),
        ]

    def __str__(self):
        return str(self.place)

    @property
    def masked_contact_name(self) -> str:
        return mask_name(self.contact_name)

    @property
    def masked_contact_phone(self) -> str:
        return self.contact_phone_masked  # stored: showing it decrypts nothing (REG-3)


class VisitQuerySet(ScopedQuerySet):
    def in_year(self, year: int):
        return self.filter(year=year)

    def stationed(self):
        return self.filter(method=VisitMethod.STATIONED)

    def started_between(self, start: datetime.date, end: datetime.date):
        return self.filter(started_on__gte=start, started_on__lte=end)


class Visit(models.Model):
    """A trip to the grassroots (FLD-2): who went (one leads), when, where, how, whom it met, what found."""

    scope_field = "org"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True, default=0)
    started_on = models.DateField(_("开始日期"), db_index=True)
    ended_on = models.DateField(_("结束日期"))
    method = models.CharField(_("方式"), max_length=20, choices=VisitMethod.choices)
    contact_point = models.ForeignKey(
        ContactPoint,
        verbose_name=_("联系点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    place = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("走访地点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits_received",
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("带队人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="visits_led",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("参加人员"),
        through="VisitMember",
        related_name="visits",
    )
    led_by_leader = models.BooleanField(_("领导带队"), default=False)
    women_met = models.PositiveIntegerField(_("走访妇女人数"), default=0)
    # FLD-2 / NEED-1: the registered women met by name (counted in women_met); their needs are Needs
    # of the visit bound to each woman.
    women = models.ManyToManyField(
        "registry.Woman", verbose_name=_("走访的妇女"), blank=True, related_name="+"
    )
    notes = models.TextField(_("情况记录"), blank=True)
    needs_text = models.TextField(_("发现的诉求（文字）"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访")
        verbose_name_plural = _("走访")
        ordering = ["-started_on"]
        indexes = [
            models.Index(fields=["org", "started_on"], name="visit_org_started"),
            # The list's order to the last tie (keyset paging walks it).
            models.Index(fields=["started_on", "created_at", "id"], name="visit_list_order"),
            # A small scope's list: its units' visits of the year in the list's order, from the index alone.
            models.Index(fields=["org", "year", "started_on", "created_at", "id"], name="visit_org_list"),
            models.Index(fields=["place", "year"], name="visit_place_year"),
        ]

    def __str__(self):
        return f"{self.started_on:%Y-%m-%d} {self.get_method_display()}"

    def save(self, *args, **kwargs):
        if not self.year and self.started_on:
            self.year = self.started_on.year  # FLD: every visit belongs to a campaign year
        super().save(*args, **kwargs)

    @property
    def days(self) -> int:
        return (self.ended_on - self.started_on).days + 1

    @property
    def is_stationed(self) -> bool:
        return self.method == VisitMethod.STATIONED

    def day_list(self) -> list[datetime.date]:
        return [self.started_on + datetime.timedelta(days=i) for i in range(self.days)]


class VisitMember(models.Model):
    """A cadre who went on a visit; exactly one of a visit's members leads it."""

    scope_field = "visit__org"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visit_memberships"
    )
    is_lead = models.BooleanField(_("带队"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访人员")
        verbose_name_plural = _("走访人员")
        constraints = [models.UniqueConstraint(fields=["visit", "user"], name="visitmember_unique")]

    def __str__(self):
        return f"{self.user} @ {self.visit}"


class VisitDay(models.Model):
    """One cadre's day at the grassroots on one visit (FLD-4), written whenever a visit is saved.

    Grassroots days are ``COUNT(DISTINCT day)`` per cadre and year, so overlapping visits count a day once.
    """

    scope_field = "visit__org"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="day_rows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visit_days")
    day = models.DateField(_("日期"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("下基层日")
        verbose_name_plural = _("下基层日")
        constraints = [models.UniqueConstraint(fields=["visit", "user", "day"], name="visitday_unique")]
        indexes = [models.Index(fields=["user", "day"], name="visitday_user_day")]

    def __str__(self):
        return f"{self.user} {self.day:%Y-%m-%d}"


class VisitGroupCount(models.Model):
    """How many of the women a visit met belong to one vulnerable group (FLD-5, REG-2)."""

    scope_field = "visit__org"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="group_counts")
    group = models.ForeignKey("registry.VulnerableGroup", on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField(_("人数"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访困难群体人数")
        verbose_name_plural = _("走访困难群体人数")
        constraints = [models.UniqueConstraint(fields=["visit", "group"], name="visitgroupcount_unique")]

    def __str__(self):
        return f"{self.group}: {self.count}"


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("照片")
    PDF = "pdf", _("PDF 文档")
    DOCUMENT = "document", _("Word 文档")
    SHEET = "sheet", _("Excel 表格")


class VisitAttachment(models.Model):
    """A photo or document of a visit, stored outside the web root and served only through a scoped view."""

    scope_field = "visit__org"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=AttachmentKind.choices)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    stored_name = models.CharField(max_length=200, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访附件")
        verbose_name_plural = _("走访附件")
        ordering = ["created_at"]

    def __str__(self):
        return self.name
