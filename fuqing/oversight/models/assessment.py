"""The assessment (督查考核, SUP-1): a scheme per campaign year, its items with weights and scoring
rules, inspectors' assignments and scores, and the result sheets frozen when the city publishes."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fuqing.core.scoping import ScopedQuerySet, user_scope
from fuqing.oversight.models.stored import StoredDocument


class ItemKind(models.TextChoices):
    COMPUTED = "computed", _("数据计算")
    INSPECTED = "inspected", _("督查评分")


class Rule(models.TextChoices):
    # points = weight × min(value ÷ target, 1)
    PROPORTION = "proportion", _("按完成比例得分")
    # points = weight when value ≥ target, else 0
    THRESHOLD = "threshold", _("达标得满分")


class SetForBelowQuerySet(ScopedQuerySet):
    """A scheme (and its items) is the city's, and every unit below reads the rules it is assessed by —
    as a district sees the city's campaign (campaigns' ``InheritedDownQuerySet``)."""

    def visible_to(self, user):
        scope = user_scope(user)
        if not scope.read_paths:
            return self.none()
        above = {p[:i] for p in scope.read_paths for i in range(4, len(p) + 1, 4)}
        return super().visible_to(user) | self.filter(
            **{f"{self.model.scope_field}__path__in": sorted(above)}
        )


class Scheme(models.Model):
    """One campaign year's assessment scheme of the city (SUP-1)."""

    scope_field = "org"
    scope_inherits_down = True

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("考核单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    name = models.CharField(_("方案名称"), max_length=100)
    notes = models.TextField(_("说明"), blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SetForBelowQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-year", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="oversight_scheme_one_per_year")]

    def __str__(self):
        return f"{self.year}年{self.name}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Item(models.Model):
    """An indicator of a scheme: computed from a registered figure, or scored by inspectors."""

    scope_field = "scheme__org"
    scope_inherits_down = True

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    name = models.CharField(_("指标名称"), max_length=100)
    kind = models.CharField(_("评分方式"), max_length=12, choices=ItemKind.choices)
    weight = models.DecimalField(
        _("分值"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal(100))],
    )
    figure_key = models.CharField(_("数据来源"), max_length=80, blank=True)
    rule = models.CharField(_("评分规则"), max_length=12, choices=Rule.choices, default=Rule.PROPORTION)
    target = models.DecimalField(_("目标值"), max_digits=12, decimal_places=4, null=True, blank=True)
    description = models.CharField(_("评分说明"), max_length=300, blank=True)

    objects = SetForBelowQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["scheme", "position", "id"]

    def __str__(self):
        return self.name

    @property
    def is_computed(self) -> bool:
        return self.kind == ItemKind.COMPUTED


class Assignment(models.Model):
    """An inspector (督查员) assigned to score one unit under a scheme; she scores nowhere else."""

    scope_field = "unit"

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="assignments")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("督查员"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "orgs.Org", verbose_name=_("被考核单位"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("督查分工")
        verbose_name_plural = _("督查分工")
        ordering = ["unit__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "inspector", "unit"], name="oversight_assignment_unique"
            )
        ]

    def __str__(self):
        return f"{self.inspector} → {self.unit}"


class InspectorScore(StoredDocument):
    """An inspector's score of one item for one unit, with her comment and evidence."""

    scope_field = "unit"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey(
        "orgs.Org", verbose_name=_("被考核单位"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    comment = models.TextField(_("评语"))
    evidence_note = models.CharField(_("佐证说明"), max_length=300, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("评分人"),
    )
    scored_at = models.DateTimeField(_("评分时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("督查评分")
        verbose_name_plural = _("督查评分")
        ordering = ["unit__path", "item__position"]
        constraints = [models.UniqueConstraint(fields=["item", "unit"], name="oversight_score_one_per_unit")]

    def __str__(self):
        return f"{self.item} {self.points}"


class ResultSheet(models.Model):
    """A unit's result as published: total, rank among its level and every item with the figures it came
    from and their date (``items``), frozen — later data changes nothing here (as research reports'
    figure snapshots)."""

    scope_field = "unit"

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="sheets")
    unit = models.ForeignKey(
        "orgs.Org", verbose_name=_("被考核单位"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("层级"), max_length=20)
    parent = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("上级单位")
    )
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField(_("名次"))
    of = models.PositiveIntegerField(_("参评单位数"))
    items = models.JSONField(default=list)
    as_of = models.DateTimeField(_("数据时间"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["scheme", "level", "parent_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "unit"], name="oversight_sheet_one_per_unit")
        ]

    def __str__(self):
        return f"{self.unit} {self.total}"
