"""The women's registry (REG-1 … REG-5, SEC-9). Personal data is encrypted at rest and masked by default.

This is the registry's core contract other apps rely on: ``Woman`` (opaque UUID id, ``org``, ``name``,
``masked_name``, ``status``, ``registered_on``) under the usual scoping, and ``VulnerableGroup``.
Other apps that point at ``Woman`` are re-pointed when two records merge (``fuqing.registry.hooks``).
"""

import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fuqing.core.crypto import EncryptedTextField, blind_index, has_value, is_sealed
from fuqing.core.masking import mask_id_number, mask_name, mask_phone, mask_text
from fuqing.core.scoping import ScopedQuerySet
from fuqing.registry.validators import age_on


class VulnerableGroup(models.Model):
    """A dictionary entry (REG-2): 失地妇女, 留守妇女 …; administrators can extend it.

    Platform-wide configuration like roles, so every unit counts by the same groups."""

    scope_exempt = "a platform-wide dictionary: every unit counts by the same groups"

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)
    is_builtin = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("困难群体")
        verbose_name_plural = _("困难群体")
        ordering = ["sort", "id"]

    def __str__(self):
        return self.name


class WomanStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    INACTIVE = "inactive", _("已注销")
    MERGED = "merged", _("已合并")
    REMOVED = "removed", _("已删除（应本人要求）")


class CloseReason(models.TextChoices):
    MOVED = "moved", _("迁出本地")
    DECEASED = "deceased", _("已故")
    NO_LONGER_NEEDED = "no_longer_needed", _("不再需要帮扶")
    OTHER = "other", _("其他")


class RegistrationSource(models.TextChoices):
    FORM = "form", _("网页登记")
    IMPORT = "import", _("台账导入")
    API = "api", _("接口登记")
    DEMO = "demo", _("演示数据")
    SYNTH = "synth", _("合成数据")


class WomanQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(status=WomanStatus.ACTIVE)

    def closed(self):
        # every status but active is closed; written as "not active" so the partial index serves it
        return self.exclude(status=WomanStatus.ACTIVE)

    def past_retention(self, today: datetime.date, days: int):
        """Closed records whose retention period has run out and that still hold personal data."""
        return self.closed().filter(
            closed_on__lte=today - datetime.timedelta(days=days), anonymised_at__isnull=True
        )


def new_file_number() -> str:
    """档案编号: short, opaque, safe to write on paper and to search for (no personal data in it)."""
    return "F" + secrets.token_hex(6).upper()


ANONYMISED_NAME = "（已匿名）"


class Woman(models.Model):
    """A woman's record (REG-1). ID number, phone and health notes are encrypted; the blind indexes
    find duplicates without decrypting (REG-4); the masked forms are kept beside them so lists and
    ledgers never decrypt anything (REG-3)."""

    scope_field = "org"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file_number = models.CharField(_("档案编号"), max_length=20, default=new_file_number, editable=False)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所属社区(村)"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedTextField(_("身份证号"), blank=True)
    id_number_index = models.CharField(max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(max_length=18, blank=True, editable=False)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    phone = EncryptedTextField(_("联系电话"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, editable=False)  # indexed with the name
    phone_masked = models.CharField(max_length=20, blank=True, editable=False)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    groups = models.ManyToManyField(
        VulnerableGroup, verbose_name=_("困难群体"), blank=True, related_name="women"
    )
    household_notes = models.TextField(_("家庭情况"), blank=True)
    health_notes = EncryptedTextField(_("健康状况"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=WomanStatus.choices, default=WomanStatus.ACTIVE
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from", db_index=False
    )
    registered_on = models.DateField(_("登记日期"), db_index=True)
    source = models.CharField(
        _("登记方式"), max_length=10, choices=RegistrationSource.choices, default=RegistrationSource.FORM
    )
    closed_on = models.DateField(_("注销日期"), null=True, blank=True)
    close_reason = models.CharField(_("注销原因"), max_length=20, choices=CloseReason.choices, blank=True)
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WomanQuerySet.as_manager()

    class Meta:
        verbose_name = _("妇女档案")
        verbose_name_plural = _("妇女档案")
        ordering = ["org", "name"]
        constraints = [
            models.UniqueConstraint(fields=["file_number"], name="woman_file_number_unique"),
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=models.Q(status="active") & ~models.Q(id_number_index=""),
                name="woman_active_id_number_unique",
            ),
        ]
        # Every index costs each of a million inserts: only those the pages and jobs use, and none of the
        # LIKE-pattern twins db_index=True adds on PostgreSQL. Phone look-ups and likely duplicates (REG-4)
        # share one; the retention job's and the merged records' cover only the rows they look for.
        indexes = [
            models.Index(fields=["name"], name="woman_name"),
            models.Index(fields=["id_number_index"], name="woman_id_number_index"),
            models.Index(fields=["phone_index", "name"], name="woman_phone_name"),
            models.Index(fields=["closed_on"], condition=~models.Q(status="active"), name="woman_closed"),
            models.Index(
                fields=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="woman_merged_into",
            ),
        ]

    def __str__(self):
        return self.masked_name

    def save(self, *args, **kwargs):
        self.refresh_derived()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"id_number", "phone"} & set(update_fields):
            kwargs["update_fields"] = {
                *update_fields,
                "id_number_index",
                "id_number_masked",
                "phone_index",
                "phone_masked",
            }
        super().save(*args, **kwargs)

    @property
    def masked_name(self) -> str:
        if self.anonymised_at:
            return ANONYMISED_NAME
        return mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return self.id_number_masked

    @property
    def masked_phone(self) -> str:
        return self.phone_masked

    @property
    def has_health_notes(self) -> bool:
        """Known without decrypting: an empty value is stored empty."""
        return has_value(self, "health_notes")

    @property
    def masked_health_notes(self) -> str:
        return mask_text("*" if self.has_health_notes else "")

    @property
    def age(self) -> int | None:
        return age_on(self.birth_date, timezone.localdate())

    @property
    def is_active(self) -> bool:
        return self.status == WomanStatus.ACTIVE

    def set_id_number(self, value: str, birth_date: datetime.date | None) -> None:
        """Store an already validated number with the birth date it carries."""
        self.id_number = value
        self.birth_date = birth_date
        self.birth_year = birth_date.year if birth_date else None

    def refresh_derived(self) -> None:
        """Blind indexes and masked forms follow the plain values (bulk_create callers call this).

        A value still sealed (loaded, never read nor set) has not changed: its derived forms stand, and
        saving the record decrypts nothing."""

        if not is_sealed(self, "id_number"):
            self.id_number_index = blind_index(self.id_number, "id_number") if self.id_number else ""
            self.id_number_masked = mask_id_number(self.id_number)
        if not is_sealed(self, "phone"):
            self.phone_index = blind_index(self.phone, "phone") if self.phone else ""
            self.phone_masked = mask_phone(self.phone)


# Fields that can be revealed one at a time with a stated reason (REG-3).
UNMASKABLE_FIELDS = {
    "name": _("姓名"),
    "id_number": _("身份证号"),
    "phone": _("联系电话"),
    "health_notes": _("健康状况"),
}


class ConsentPurpose(models.TextChoices):
    """Purposes that need her separate consent (SEC-9; PIPL arts. 28–29 on sensitive information)."""

    HEALTH = "health", _("健康信息")
    FINANCE = "finance", _("财产与资金帮扶信息")
    SHARING = "sharing", _("向有关部门提供信息")
    PUBLICITY = "publicity", _("宣传报道（姓名、照片、事迹）")


class ConsentQuerySet(ScopedQuerySet):
    def in_force(self):
        return self.filter(withdrawn_on__isnull=True)


class Consent(models.Model):
    """Her consent to one purpose under one version of the notice; withdrawn by setting the date."""

    scope_field = "woman__org"

    woman = models.ForeignKey(Woman, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("用途"), max_length=20, choices=ConsentPurpose.choices)
    notice_version = models.CharField(_("告知书版本"), max_length=30)
    given_on = models.DateField(_("同意日期"))
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("个人信息处理同意")
        verbose_name_plural = _("个人信息处理同意")
        ordering = ["purpose", "-given_on", "-id"]

    def __str__(self):
        return f"{self.get_purpose_display()} ({self.notice_version})"

    @property
    def in_force(self) -> bool:
        return self.withdrawn_on is None


class WomanEventKind(models.TextChoices):
    # Registration itself is read from the record (created_at, created_by, source): an import of 100,000
    # rows then writes no extra row per woman. These two kinds remain for records made before that.
    REGISTERED = "registered", _("登记")
    IMPORTED = "imported", _("从台账导入")
    CORRECTED = "corrected", _("更正")
    CONSENT_GIVEN = "consent_given", _("记录同意")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("撤回同意")
    CONSENT_EXCEPTION = "consent_exception", _("未经同意的例外帮扶")
    MERGED_FROM = "merged_from", _("合并重复档案")
    MERGED_INTO = "merged_into", _("并入其他档案")
    CLOSED = "closed", _("注销")
    REOPENED = "reopened", _("恢复在册")
    REMOVED = "removed", _("应本人要求删除")
    ANONYMISED = "anonymised", _("保存期满匿名化")


class WomanEvent(models.Model):
    """Her record's own history (saleor's OrderEvent): what happened, who did it, when. ``details``
    names fields and reasons, never personal values. The timeline adds her registration (from the record)
    and the access log (audit)."""

    scope_field = "woman__org"

    woman = models.ForeignKey(Woman, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=20, choices=WomanEventKind.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("档案记录")
        verbose_name_plural = _("档案记录")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d} {self.get_kind_display()}"
