"""Research reports and their history (RES-2, RES-3).

Core contract other apps rely on: ``Report`` (``org``, ``year``, ``title``, ``status`` and its values).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fuqing.core.scoping import ScopedQuerySet
from fuqing.research.markup import figure_keys


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    REVIEWED = "reviewed", _("已审核")
    RECOMMENDED = "recommended", _("已推荐")


# The three parts every report has (RES-2), in reading order, with the heading each gets in print.
SECTIONS = (
    ("situation", _("情况"), _("基本情况")),
    ("analysis", _("分析"), _("问题与分析")),
    ("recommendations", _("建议"), _("对策建议")),
)


class ReportQuerySet(ScopedQuerySet):
    def of_year(self, year: int):
        return self.filter(year=year)

    def submitted(self):
        """Reports past the draft stage (entries for the Qiushi Cup, candidates for a book)."""
        return self.exclude(status=ReportStatus.DRAFT)

    def awaiting_review(self):
        return self.filter(status=ReportStatus.SUBMITTED)


class Report(models.Model):
    """A research report with situation, analysis and recommendations (RES-2), linked evidence and figures
    (live in a draft, frozen when submitted); it moves draft → submitted → reviewed → recommended (RES-3)."""

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
    topic = models.ForeignKey(
        "research.Topic",
        verbose_name=_("重点调研课题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    authors = models.CharField(_("作者"), max_length=200, blank=True)
    situation = models.TextField(_("情况"))
    analysis = models.TextField(_("分析"))
    recommendations = models.TextField(_("建议"))
    visits = models.ManyToManyField(
        "fieldwork.Visit", verbose_name=_("走访"), blank=True, related_name="research_reports"
    )
    needs = models.ManyToManyField(
        "assistance.Need", verbose_name=_("诉求"), blank=True, related_name="research_reports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    recommended_at = models.DateTimeField(_("推荐时间"), null=True, blank=True)
    # The figures as submitted: ``{key: figure data}`` taken when the report leaves the draft, cleared
    # when it returns to it. A submitted report is a document of record; a draft's figures are live.
    figure_snapshot = models.JSONField(_("报送时的数据"), null=True, blank=True, editable=False)
    figures_as_of = models.DateTimeField(_("数据截至"), null=True, blank=True, editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("调研报告")
        verbose_name_plural = _("调研报告")
        ordering = ["-year", "title"]
        indexes = [models.Index(fields=["org", "year", "status"])]

    def __str__(self):
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == ReportStatus.DRAFT

    def figure_keys(self) -> list[str]:
        """The figures the three parts insert, in order of appearance."""

        return list(dict.fromkeys(k for field, _l, _h in SECTIONS for k in figure_keys(getattr(self, field))))

    def sections(self) -> list[tuple[str, str, str]]:
        """(field, label, text) of the three parts."""
        return [(field, str(label), getattr(self, field)) for field, label, _heading in SECTIONS]


class ReportEventKind(models.TextChoices):
    CREATED = "created", _("新建")
    UPDATED = "updated", _("修改")
    EVIDENCE = "evidence", _("调整佐证材料")
    SUBMITTED = "submitted", _("报送")
    WITHDRAWN = "withdrawn", _("撤回")
    RETURNED = "returned", _("退回修改")
    REVIEWED = "reviewed", _("审核通过")
    RECOMMENDED = "recommended", _("推荐到省妇联")
    COMMENTED = "commented", _("意见")


class ReportEvent(models.Model):
    """One step of a report's history: who did what, when, with which comment (RES-3)."""

    scope_field = "report__org"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=12, choices=ReportEventKind.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("操作人"), max_length=100, blank=True)
    actor_org_name = models.CharField(_("操作人单位"), max_length=100, blank=True)
    from_status = models.CharField(max_length=12, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ReportStatus.choices, blank=True)
    comment = models.TextField(_("意见"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("报告记录")
        verbose_name_plural = _("报告记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.report_id}"
