"""Good cases (典型案例), publicity items and practices turned into rules (制度规定) (SUP-2, SUP-4)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fuqing.core.scoping import ScopedQuerySet
from fuqing.oversight.models.stored import StoredDocument


class CaseSource(models.TextChoices):
    NEED = "need", _("诉求")
    PAIRING = "pairing", _("结对帮扶")
    PROJECT = "project", _("实事项目")
    HOME = "home", _("妇女之家")


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    SELECTED = "selected", _("已入选")
    PROMOTED = "promoted", _("已推广")
    RETURNED = "returned", _("已退回")


class GoodCaseQuerySet(ScopedQuerySet):
    def promoted_above(self, org):
        """Cases promoted by ``org`` or a unit above it: shown on the home pages below the promoter."""
        return self.filter(status=CaseStatus.PROMOTED, promoted_by_org__path__in=org.ancestor_paths())


class GoodCase(StoredDocument):
    """A good case written from one need, pairing, project or Home, with its evidence (SUP-2)."""

    scope_field = "org"

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("案例标题"), max_length=120)
    story = models.TextField(_("案例内容"))
    source_kind = models.CharField(_("案例来源"), max_length=12, choices=CaseSource.choices)
    source_id = models.CharField(_("来源编号"), max_length=40)
    source_label = models.CharField(_("来源"), max_length=200)
    evidence_note = models.CharField(_("佐证说明"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_note = models.CharField(_("处理意见"), max_length=300, blank=True)
    promoted_by_org = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("推广单位"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GoodCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")
        ordering = ["-year", "-created_at"]
        indexes = [models.Index(fields=["status", "promoted_by_org", "year"], name="oversight_case_promoted")]

    def __str__(self):
        return self.title


class PublicityItem(models.Model):
    """A piece of publicity: media, date, title, link, and the case or activity it covers (SUP-2)."""

    scope_field = "org"

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("宣传单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    media = models.CharField(_("媒体"), max_length=60)
    published_on = models.DateField(_("刊发日期"))
    title = models.CharField(_("标题"), max_length=150)
    link = models.URLField(_("链接"), max_length=300, blank=True)
    case = models.ForeignKey(
        GoodCase,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publicity",
        verbose_name=_("典型案例"),
    )
    activity = models.CharField(_("宣传的活动"), max_length=150, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("宣传报道")
        verbose_name_plural = _("宣传报道")
        ordering = ["-published_on", "-id"]

    def __str__(self):
        return self.title


class Practice(StoredDocument):
    """A practice turned into a rule (制度规定), recorded with its document (SUP-4, notice 四.2)."""

    scope_field = "org"

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("制定单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("制度名称"), max_length=150)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    issued_on = models.DateField(_("印发日期"))
    summary = models.TextField(_("主要内容"), blank=True)
    case = models.ForeignKey(
        GoodCase,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rules",
        verbose_name=_("源自案例"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("制度规定")
        verbose_name_plural = _("制度规定")
        ordering = ["-issued_on", "-id"]

    def __str__(self):
        return self.title
