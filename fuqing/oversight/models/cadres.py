"""The commendation list (评先树优, SUP-4): drawn from the cadres' records, decided by people."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fuqing.core.scoping import ScopedQuerySet


class Recommendation(models.Model):
    """A person marks a cadre recommended (or not) for commendation, with the reason (audited)."""

    scope_field = "org"

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="+"
    )
    recommended = models.BooleanField(_("推荐"), default=True)
    reason = models.TextField(_("理由"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("决定人"),
    )
    decided_at = models.DateTimeField(_("决定时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评先树优推荐")
        verbose_name_plural = _("评先树优推荐")
        ordering = ["-year", "org__path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "person"], name="oversight_recommendation_once_a_year")
        ]

    def __str__(self):
        return f"{self.year} {self.person}"
