"""Questionnaires (FLD-6): a federation defines one for its whole subtree; units answer it.

A questionnaire and its questions are visible down the tree (a district answers the city's); each
response belongs to the unit that gave it, so tallies follow the viewer's scope.
"""

import re
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from fuqing.campaigns.models import InheritedDownQuerySet
from fuqing.core.scoping import ScopedQuerySet


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("收集中")
    CLOSED = "closed", _("已结束")


class Questionnaire(models.Model):
    scope_field = "org"
    scope_inherits_down = True

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("发布单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=QuestionnaireStatus.choices, default=QuestionnaireStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InheritedDownQuerySet.as_manager()

    class Meta:
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")
        ordering = ["-year", "-created_at"]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == QuestionnaireStatus.OPEN


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    NUMBER = "number", _("数字")
    TEXT = "text", _("文字")
    DATE = "date", _("日期")
    NOTE = "note", _("说明文字")
    CALCULATE = "calculate", _("计算")
    IMAGE = "image", _("照片")
    GEOPOINT = "geopoint", _("位置")


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
ANSWERLESS_KINDS = (QuestionKind.NOTE,)
_LANGUAGE_CODE = re.compile(r"\(\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*\)\s*$")
_LANGUAGE_NAMES = {"english": "en", "chinese": "zh", "中文": "zh", "简体中文": "zh", "汉语": "zh"}


def _language_of(key: str) -> str:
    match = _LANGUAGE_CODE.search(key)
    if match:
        return match.group(1).lower()
    return _LANGUAGE_NAMES.get(key.strip().lower(), key.strip().lower())


def localized(texts: dict | None, language: str | None = None) -> str:
    """The text of an XLSForm ``label::English (en)``-style dict in ``language`` (the interface's
    language by default), else Chinese, else the form's default, else any."""
    if not texts:
        return ""
    if language is None:
        language = get_language() or "zh-hans"
    wanted = language.split("-")[0].lower()
    by_code = {_language_of(k): v for k, v in texts.items()}
    for code in (wanted, "zh", "default"):
        if by_code.get(code):
            return by_code[code]
    return next(iter(texts.values()))


class Question(models.Model):
    """One question. ``condition`` is the skip logic as a small expression tree (see skiplogic.py),
    evaluated the same way in the browser and on the server; ``relevant`` keeps its source text."""

    scope_field = "questionnaire__org"
    scope_inherits_down = True

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("序号"))
    code = models.CharField(_("题目代码"), max_length=40)
    text = models.CharField(_("题目"), max_length=500)
    help = models.CharField(_("提示"), max_length=300, blank=True)
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    required = models.BooleanField(_("必答"), default=False)
    choices = models.JSONField(_("选项"), default=list, blank=True)  # [{"value": "a", "label": "…"}]
    relevant = models.CharField(_("显示条件"), max_length=500, blank=True)
    condition = models.JSONField(null=True, blank=True)
    # What an XLSForm adds (FLD-6, see xlsform.py): labels/hints per language, constraint and its
    # message, required_message, calculation, default, choice_filter, appearance, group, repeat.
    extra = models.JSONField(default=dict, blank=True)

    objects = InheritedDownQuerySet.as_manager()

    class Meta:
        verbose_name = _("问卷题目")
        verbose_name_plural = _("问卷题目")
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_code_unique"),
        ]

    def __str__(self):
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.kind in CHOICE_KINDS

    def choice_label(self, value: str) -> str:
        for choice in self.choices:
            if choice["value"] == value:
                return localized(choice.get("labels")) or choice["label"]
        return value

    @property
    def label(self) -> str:
        """The question's text in the interface's language (XLSForm ``label::…`` columns)."""
        return localized(self.extra.get("labels")) or self.text

    @property
    def hint(self) -> str:
        return localized(self.extra.get("hints")) or self.help

    def message(self, key: str) -> str:
        """``constraint_message`` / ``required_message`` in the interface's language."""
        return localized(self.extra.get(key))

    @property
    def repeat(self) -> str:
        return self.extra.get("repeat", "")


class Response(models.Model):
    """One filled-in questionnaire, given by ``org`` (the responding unit). The id may come from the
    client, so replaying an offline submission does not duplicate it (PLT-6)."""

    scope_field = "org"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="responses")
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("答卷单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    answered_on = models.DateField(_("填写日期"))
    # Rows of the XLSForm repeats: {"repeat name": [{"question code": value, …}, …]}
    repeats = models.JSONField(_("重复题组"), default=dict, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["-answered_on", "-created_at"]
        indexes = [models.Index(fields=["questionnaire", "org"], name="response_q_org")]

    def __str__(self):
        return f"{self.questionnaire} · {self.answered_on:%Y-%m-%d}"


class Answer(models.Model):
    """One answer of a response: a chosen value (one row per choice of a multiple choice), a number,
    a text or a date — stored apart so tallies are GROUP BY queries in the database."""

    scope_field = "response__org"

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.CharField(max_length=100, blank=True)
    text = models.TextField(blank=True)
    number = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    date = models.DateField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("答案")
        verbose_name_plural = _("答案")
        indexes = [models.Index(fields=["question", "value"], name="answer_question_value")]

    def __str__(self):
        return self.value or self.text[:30]
