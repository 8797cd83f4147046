"""Key research topics (重点调研课题, RES-1)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fuqing.core.scoping import ScopedQuerySet


class TopicQuerySet(ScopedQuerySet):
    def of_year(self, year: int):
        return self.filter(year=year)


class Topic(models.Model):
    """A key research topic a city department or a district federation sets for the year, with the group
    that studies it and the leader (组长) who leads it (RES-1)."""

    scope_field = "org"

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("课题单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("课题名称"), max_length=200)
    description = models.TextField(_("研究内容"), blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("课题组组长"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    members = models.CharField(_("课题组成员"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("重点调研课题")
        verbose_name_plural = _("重点调研课题")
        ordering = ["-year", "org__path", "id"]
        indexes = [models.Index(fields=["org", "year"])]

    def __str__(self):
        return self.title
