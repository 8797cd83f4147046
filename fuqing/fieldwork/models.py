"""Going to the grassroots (FLD-1 … FLD-6).

Core contract other apps rely on: ``Visit`` (opaque UUID id, ``org`` = the unit that made the visit,
``started_on``/``ended_on``, ``method``, ``needs_text`` for needs recorded before the needs register
existed). The field-work issue builds the rest.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fuqing.core.scoping import ScopedQuerySet


class VisitMethod(models.TextChoices):
    INTERVIEW = "interview", _("一对一访谈")
    FORUM = "forum", _("座谈交流")
    QUESTIONNAIRE = "questionnaire", _("问卷调查")
    HOME_VISIT = "home_visit", _("入户走访")
    STATIONED = "stationed", _("蹲点调研")


class Visit(models.Model):
    """A trip to the grassroots (FLD-2)."""

    scope_field = "org"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField(_("开始日期"), db_index=True)
    ended_on = models.DateField(_("结束日期"))
    method = models.CharField(_("方式"), max_length=20, choices=VisitMethod.choices)
    needs_text = models.TextField(_("发现的诉求（文字）"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访")
        verbose_name_plural = _("走访")
        ordering = ["-started_on"]

    def __str__(self):
        return f"{self.started_on:%Y-%m-%d} {self.get_method_display()}"
