"""The women's registry (REG-1 … REG-5). Personal data is encrypted at rest and masked by default.

This is the registry's core contract other apps rely on: ``Woman`` (opaque UUID id, ``org``, ``name``,
``masked_name``) under the usual scoping, and ``VulnerableGroup``. The registry issue builds the rest.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fuqing.core.crypto import EncryptedTextField
from fuqing.core.masking import mask_id_number, mask_name, mask_phone
from fuqing.core.scoping import ScopedQuerySet


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
    MERGED = "merged", _("已合并")
    REMOVED = "removed", _("已删除（应本人要求）")


class WomanQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(status=WomanStatus.ACTIVE)


class Woman(models.Model):
    """A woman's record (REG-1). ID number, phone and health notes are encrypted; the blind indexes
    find duplicates without decrypting (REG-4)."""

    scope_field = "org"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所属社区(村)"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    id_number = EncryptedTextField(_("身份证号"), blank=True)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    phone = EncryptedTextField(_("联系电话"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
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
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    registered_on = models.DateField(_("登记日期"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WomanQuerySet.as_manager()

    class Meta:
        verbose_name = _("妇女档案")
        verbose_name_plural = _("妇女档案")
        ordering = ["org", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=models.Q(status="active") & ~models.Q(id_number_index=""),
                name="woman_active_id_number_unique",
            )
        ]

    def __str__(self):
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
