"""Research: key topics, reports, the Qiushi Cup, the compiled book (RES-1 … RES-5).

Core contract other apps rely on: ``Report`` (``org``, ``year``, ``title``, ``status``). The research
issue builds the rest.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from fuqing.core.scoping import ScopedQuerySet


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    REVIEWED = "reviewed", _("已审核")
    RECOMMENDED = "recommended", _("已推荐")


class Report(models.Model):
    """A research report with situation, analysis and recommendations (RES-2)."""

    scope_field = "org"

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("调研报告")
        verbose_name_plural = _("调研报告")
        ordering = ["-year", "title"]

    def __str__(self):
        return self.title
