"""Needs, paired assistance and outcomes (NEED-1 … NEED-6).

Core contract other apps rely on: ``Need`` (opaque UUID id, ``org``, optional ``woman`` and ``visit``,
``description``, ``reported_on``, ``status``). The assistance issue builds the rest.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from fuqing.core.scoping import ScopedQuerySet


class NeedStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    RESOLVED = "resolved", _("已解决")
    COUNSELLED = "counselled", _("解释疏导")
    ESCALATED = "escalated", _("转化为建议")


class Need(models.Model):
    """Something a woman or a group asked for or suffers from (NEED-1)."""

    scope_field = "org"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+"
    )
    woman = models.ForeignKey(
        "registry.Woman",
        verbose_name=_("妇女"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs",
    )
    visit = models.ForeignKey(
        "fieldwork.Visit",
        verbose_name=_("走访"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    description = models.TextField(_("诉求描述"))
    reported_on = models.DateField(_("反映日期"), db_index=True)
    status = models.CharField(_("状态"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-reported_on"]

    def __str__(self):
        return self.description[:30]
