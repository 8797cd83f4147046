"""The Qiushi Cup (求实杯), the research-results competition (RES-4).

Everything here belongs to the organiser (``competition.org``, normally the research office): criteria,
judges, entries and scores. Units see their own entries' results once the competition is published.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fuqing.core.scoping import ScopedQuerySet, scope_q


class Award(models.TextChoices):
    FIRST = "first", _("一等奖")
    SECOND = "second", _("二等奖")
    THIRD = "third", _("三等奖")
    EXCELLENCE = "excellence", _("优秀奖")


class Competition(models.Model):
    """One year's Qiushi Cup: criteria with weights, judges, entries, and how many of each award."""

    scope_field = "org"

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    name = models.CharField(_("名称"), max_length=100, default="“求实杯”调研成果评选")
    first_prizes = models.PositiveSmallIntegerField(_("一等奖名额"), default=1)
    second_prizes = models.PositiveSmallIntegerField(_("二等奖名额"), default=2)
    third_prizes = models.PositiveSmallIntegerField(_("三等奖名额"), default=3)
    excellence_prizes = models.PositiveSmallIntegerField(_("优秀奖名额"), default=5)
    closed_at = models.DateTimeField(_("结果公布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("求实杯评选")
        verbose_name_plural = _("求实杯评选")
        ordering = ["-year", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="competition_one_per_year")]

    def __str__(self):
        return f"{self.year}年{self.name}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def award_counts(self) -> list[tuple[str, int]]:
        return [
            (Award.FIRST, self.first_prizes),
            (Award.SECOND, self.second_prizes),
            (Award.THIRD, self.third_prizes),
            (Award.EXCELLENCE, self.excellence_prizes),
        ]


class Criterion(models.Model):
    """A scoring criterion; each is scored 0–100 and weighs ``weight`` per cent of the total."""

    scope_field = "competition__org"

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("评分项"), max_length=50)
    weight = models.PositiveSmallIntegerField(
        _("权重（%）"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["competition", "name"], name="criterion_unique_name")]

    def __str__(self):
        return f"{self.name}（{self.weight}%）"


class Judge(models.Model):
    """A judge assigned to a competition."""

    scope_field = "competition__org"

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评委"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评委")
        verbose_name_plural = _("评委")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["competition", "user"], name="judge_unique")]

    def __str__(self):
        return str(self.user)


class EntryQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """The organiser's scope, and — once results are published — the entries of one's own reports."""
        published = self.filter(scope_q(user, "report__org"), competition__closed_at__isnull=False)
        return super().visible_to(user) | published


class Entry(models.Model):
    """A submitted report entered in the competition, known to judges only by its code (blind)."""

    scope_field = "competition__org"

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="entries")
    report = models.ForeignKey(
        "research.Report", verbose_name=_("报告"), on_delete=models.PROTECT, related_name="cup_entries"
    )
    code = models.CharField(_("参评编号"), max_length=8)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)
    award = models.CharField(_("奖项"), max_length=12, choices=Award.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("参评报告")
        verbose_name_plural = _("参评报告")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "report"], name="entry_unique_report"),
            models.UniqueConstraint(fields=["competition", "code"], name="entry_unique_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.report.title if self.report_id else ''}"


class BlindQuerySet(ScopedQuerySet):
    """Scores are blind (RES-4): a judge sees only her own, even where she may change the competition;
    the organiser (who may change it and does not judge it) sees them all; nobody else sees any."""

    judge_field = ""
    competition_field = ""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        judged = Judge.objects.filter(user=user).values("competition")
        organiser = self.editable_by(user).exclude(**{f"{self.competition_field}__in": judged})
        return organiser | self.filter(**{self.judge_field: user})


class SheetQuerySet(BlindQuerySet):
    judge_field = "judge__user"
    competition_field = "entry__competition"


class ScoreQuerySet(BlindQuerySet):
    judge_field = "sheet__judge__user"
    competition_field = "sheet__entry__competition"


class ScoreSheet(models.Model):
    """One judge's scores for one entry, with her comment."""

    scope_field = "entry__competition__org"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="sheets")
    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="sheets")
    comment = models.TextField(_("评语"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")
        constraints = [models.UniqueConstraint(fields=["entry", "judge"], name="sheet_unique")]

    def __str__(self):
        return f"{self.entry.code} / {self.judge}"


class Score(models.Model):
    """A score of 0–100 on one criterion."""

    scope_field = "sheet__entry__competition__org"

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.DecimalField(
        _("得分"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("得分")
        verbose_name_plural = _("得分")
        constraints = [models.UniqueConstraint(fields=["sheet", "criterion"], name="score_unique")]

    def __str__(self):
        return f"{self.criterion.name}: {self.value}"
