"""Needs, paired assistance and outcomes (NEED-1 … NEED-6).

Core contract other apps rely on: ``Need`` (opaque UUID id, ``org``, optional ``woman`` and ``visit``,
``description``, ``reported_on``, ``status``). Every link to ``registry.Woman`` is a plain FK named
``woman`` (Need, Pairing, Action), so re-pointing a merged woman is one UPDATE per model
(``services.repoint_woman``).
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fuqing.core.scoping import ScopedQuerySet


class NeedStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    RESOLVED = "resolved", _("已解决")
    COUNSELLED = "counselled", _("解释疏导")
    ESCALATED = "escalated", _("转化为建议")


CLOSED_STATUSES = (NeedStatus.RESOLVED, NeedStatus.COUNSELLED, NeedStatus.ESCALATED)


class NeedSource(models.TextChoices):
    VISIT = "visit", _("走访")
    QUESTIONNAIRE = "questionnaire", _("问卷")
    FORUM = "forum", _("座谈会")
    HOTLINE = "hotline", _("热线")
    LETTER = "letter", _("来信")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    CRITICAL = "critical", _("特急")


class NeedCategory(models.Model):
    """A dictionary entry (NEED-1): 就业, 收入, 住房 …; administrators can extend it."""

    scope_exempt = "a platform-wide dictionary: every unit counts needs by the same categories"

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)
    is_builtin = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["sort", "id"]

    def __str__(self):
        return self.name


class NeedQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status=NeedStatus.OPEN)

    def closed(self):
        return self.exclude(status=NeedStatus.OPEN)

    def overdue(self, today):
        """Open needs past their review date (NEED-4)."""
        return self.open().filter(review_on__lt=today)

    def due_within(self, today, days: int):
        return self.open().filter(review_on__gte=today, review_on__lte=today + datetime.timedelta(days=days))


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
    # A need of a group (a forum): who they are and how many (NEED-1).
    group_description = models.CharField(_("群体"), max_length=200, blank=True)
    group_size = models.PositiveIntegerField(_("人数"), null=True, blank=True)
    category = models.ForeignKey(
        NeedCategory, verbose_name=_("类别"), null=True, on_delete=models.PROTECT, related_name="needs"
    )
    source = models.CharField(_("来源"), max_length=20, choices=NeedSource.choices, default=NeedSource.VISIT)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    description = models.TextField(_("诉求描述"))
    reported_on = models.DateField(_("反映日期"), db_index=True)
    year = models.PositiveSmallIntegerField(_("活动年度"), default=0)
    month = models.PositiveSmallIntegerField(_("月份"), default=0)
    review_on = models.DateField(_("复查日期"), null=True, blank=True, db_index=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_needs",
    )
    status = models.CharField(_("状态"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    outcome_note = models.TextField(_("办结说明"), blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    # The sha1 of a converted visit line: converting a visit's text twice creates nothing new.
    visit_line = models.CharField(max_length=40, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-reported_on"]
        indexes = [
            # Covers the hot-issues GROUP BYs of a subtree (index-only scans); plain key columns
            # rather than INCLUDE, which SQLite lacks.
            models.Index(
                fields=["org", "year", "category", "month", "status", "woman", "reported_on"],
                name="need_org_year_cover",
            ),
            models.Index(fields=["status", "review_on"], name="need_status_review"),
            # The list's order to the last tie (keyset paging walks it; no sort of a day's needs).
            models.Index(fields=["reported_on", "created_at", "id"], name="need_list_order"),
            # A small scope's list: its units' needs of the year already in the list's order, read from the
            # index alone (no row fetched to sort thousands and keep fifty).
            models.Index(fields=["org", "year", "reported_on", "created_at", "id"], name="need_org_list"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "visit_line"], condition=~Q(visit_line=""), name="need_visit_line_unique"
            )
        ]

    def __str__(self):
        # not the description, which may name her or her address: str() ends up in audit records (REG-3)
        return f"{self._meta.verbose_name} {self.reported_on:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status == NeedStatus.OPEN

    @property
    def subject(self) -> str:
        """Whom the need is about, masked (REG-3)."""
        if self.woman_id:
            return self.woman.masked_name
        if self.group_size:
            return f"{self.group_description}（{self.group_size}人）"
        return self.group_description


class NeedKeyword(models.Model):
    """A keyword of a need's description, stored when the need is saved (NEED-5): themes are a
    GROUP BY over these rows, never a re-read of the descriptions."""

    scope_field = "org"

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="keywords")
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    keyword = models.CharField(max_length=20)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["year", "keyword", "org"], name="needkw_year_kw_org"),
            models.Index(fields=["org", "year", "keyword"], name="needkw_org_year_kw"),
        ]
        constraints = [models.UniqueConstraint(fields=["need", "keyword"], name="needkw_unique")]

    def __str__(self):
        return self.keyword


class NeedEventType(models.TextChoices):
    CREATED = "created", _("登记")
    CONVERTED = "converted", _("由走访记录转入")
    UPDATED = "updated", _("修改")
    ACTION = "action", _("帮扶措施")
    RESOLVED = "resolved", _("已解决")
    COUNSELLED = "counselled", _("解释疏导")
    ESCALATED = "escalated", _("转化为建议")
    REOPENED = "reopened", _("重新办理")


class NeedEvent(models.Model):
    """One step in a need's history (saleor's OrderEvent): who, when, what, parameters (NEED-4)."""

    scope_field = "need__org"

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("事项"), max_length=12, choices=NeedEventType.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)
    parameters = models.JSONField(default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("诉求记录")
        verbose_name_plural = _("诉求记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_type_display()} {self.at:%Y-%m-%d}"


# --- paired assistance (NEED-2) -------------------------------------------------------------------


class PairingKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", _("一帮一")
    MANY_TO_ONE = "many_to_one", _("多帮一")


class PairingStatus(models.TextChoices):
    ACTIVE = "active", _("帮扶中")
    ENDED = "ended", _("已结束")


class PairingQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(status=PairingStatus.ACTIVE)


class Pairing(models.Model):
    """Helpers (cadres and/or units) paired long-term with a woman or a household (NEED-2)."""

    scope_field = "org"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("负责单位"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("形式"), max_length=12, choices=PairingKind.choices)
    woman = models.ForeignKey(
        "registry.Woman",
        verbose_name=_("帮扶对象"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    household = models.CharField(_("帮扶家庭"), max_length=100, blank=True)
    starts_on = models.DateField(_("结对日期"))
    review_on = models.DateField(_("复查日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=PairingStatus.choices, default=PairingStatus.ACTIVE
    )
    year = models.PositiveSmallIntegerField(_("活动年度"), default=0)
    notes = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        ordering = ["-starts_on"]

    def __str__(self):
        # masked name only, no household text (it may name the family): str() ends up in audit records
        return f"{self.get_kind_display()} {self.woman.masked_name if self.woman_id else ''}".strip()

    @property
    def beneficiary(self) -> str:
        if self.woman_id:
            return self.woman.masked_name + (f"（{self.household}）" if self.household else "")
        return self.household


class PairingHelper(models.Model):
    """One helper of a pair: a cadre (user) or a unit (org)."""

    scope_field = "pairing__org"

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="helpers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="pairings"
    )
    helper_org = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶人")
        verbose_name_plural = _("帮扶人")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(helper_org__isnull=False), name="pairinghelper_someone"
            )
        ]

    def __str__(self):
        return str(self.user or self.helper_org)


# --- assistance actions (NEED-3) ------------------------------------------------------------------


class ActionService(models.TextChoices):
    POLICY = "policy", _("政策")
    INFORMATION = "information", _("信息")
    FUNDS = "funds", _("资金")
    PROJECT = "project", _("项目")
    LEGAL_AID = "legal_aid", _("法律援助")
    HEALTH_AID = "health_aid", _("健康援助")
    JOB_REFERRAL = "job_referral", _("就业推荐")
    TRAINING = "training", _("技能培训")


class Action(models.Model):
    """A service given to a woman, a household or a group (NEED-3).

    ``project`` names the livelihood project (``projects.Project``) the service belongs to; funds add up
    per project through it. ``project_name`` keeps the name as written (the project's name when linked;
    free text for help outside the register's projects, and for history)."""

    scope_field = "org"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+"
    )
    need = models.ForeignKey(
        Need, verbose_name=_("诉求"), null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    pairing = models.ForeignKey(
        Pairing,
        verbose_name=_("结对"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
    )
    woman = models.ForeignKey(
        "registry.Woman",
        verbose_name=_("妇女"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assistance_actions",
    )
    service = models.CharField(_("服务类型"), max_length=20, choices=ActionService.choices)
    given_on = models.DateField(_("日期"), db_index=True)
    year = models.PositiveSmallIntegerField(_("活动年度"), default=0)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提供人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    given_by_org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("提供单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("实事项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assistance_actions",
    )
    project_name = models.CharField(_("项目名称"), max_length=100, blank=True, db_index=True)
    notes = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")
        ordering = ["-given_on"]

    def __str__(self):
        return f"{self.get_service_display()} {self.given_on:%Y-%m-%d}"


# --- suggestions (NEED-6) -------------------------------------------------------------------------


class SuggestionChannel(models.TextChoices):
    INFO_REPORT = "info_report", _("信息报送")
    SESSION_PROPOSAL = "session_proposal", _("两会提案/议案")
    JOINT_MEETING = "joint_meeting", _("联席会议")


class SuggestionRecipient(models.TextChoices):
    PARTY = "party", _("党委")
    CONGRESS = "congress", _("人大")
    GOVERNMENT = "government", _("政府")
    CPPCC = "cppcc", _("政协")
    DEPARTMENT = "department", _("有关部门")


class SuggestionStage(models.IntegerChoices):
    DRAFT = 0, _("草拟中")
    SUBMITTED = 10, _("已报送")
    ANSWERED = 20, _("已答复")
    ADOPTED = 30, _("已采纳")
    POLICY_ISSUED = 40, _("出台政策")
    LIVELIHOOD = 50, _("纳入政府民生实事")


class Suggestion(models.Model):
    """A policy suggestion drawn from needs and research reports (NEED-6)."""

    scope_field = "org"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("提出单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("活动年度"))
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("建议内容"), blank=True)
    channel = models.CharField(_("报送渠道"), max_length=20, choices=SuggestionChannel.choices)
    recipient = models.CharField(_("报送对象"), max_length=20, choices=SuggestionRecipient.choices)
    recipient_name = models.CharField(_("部门名称"), max_length=100, blank=True)
    stage = models.PositiveSmallIntegerField(
        _("进展"), choices=SuggestionStage.choices, default=SuggestionStage.DRAFT
    )
    needs = models.ManyToManyField(Need, verbose_name=_("依据的诉求"), blank=True, related_name="suggestions")
    reports = models.ManyToManyField(
        "research.Report", verbose_name=_("依据的调研报告"), blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("对策建议")
        verbose_name_plural = _("对策建议")
        ordering = ["-year", "-created_at"]

    def __str__(self):
        return self.title

    @property
    def recipient_label(self) -> str:
        if self.recipient == SuggestionRecipient.DEPARTMENT and self.recipient_name:
            return self.recipient_name
        return self.get_recipient_display()


def report_model():
    """The research report a suggestion cites (NEED-6), reached through the link rather than by importing
    research (research builds on needs: its reports cite them)."""
    return Suggestion._meta.get_field("reports").related_model


class SuggestionOutcome(models.Model):
    """A step a suggestion reached, with its date and (optionally) a document (NEED-6)."""

    scope_field = "suggestion__org"

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="outcomes")
    stage = models.PositiveSmallIntegerField(_("进展"), choices=SuggestionStage.choices)
    happened_on = models.DateField(_("日期"))
    note = models.TextField(_("说明"), blank=True)
    document = models.FileField(_("文件"), upload_to="assistance/suggestions/%Y/", blank=True)
    document_name = models.CharField(_("文件名"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("建议进展")
        verbose_name_plural = _("建议进展")
        ordering = ["stage", "happened_on"]

    def __str__(self):
        return f"{self.get_stage_display()} {self.happened_on:%Y-%m-%d}"
