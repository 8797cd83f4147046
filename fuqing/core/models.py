"""Shared records: the audit log (SEC-7), tracked background jobs (PLT-5) and in-app reminders."""

import uuid

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from fuqing.core.scoping import ScopedQuerySet, user_scope


class AuditAction(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKED_OUT = "locked_out", _("账户锁定")
    LOGOUT = "logout", _("退出")
    DENIED = "denied", _("拒绝访问")
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    MOVE = "move", _("移动")
    IMPORT = "import", _("导入")
    EXPORT = "export", _("导出")
    UNMASK = "unmask", _("查看明文")
    GRANT = "grant", _("授权")
    REVOKE = "revoke", _("撤销授权")
    PASSWORD = "password", _("密码")
    OTP = "otp", _("双因素认证")
    TOKEN = "token", _("接口令牌")


class AuditResult(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    DENIED = "denied", _("拒绝")


class AuditQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        qs = super().visible_to(user)
        # Events without an organisation (e.g. a failed login for an unknown name) belong to the root.
        if any(len(p) == 4 for p in user_scope(user).read_paths):
            qs = qs | self.filter(org__isnull=True)
        return qs

    def update(self, **kwargs):
        raise PermissionError("audit records cannot be changed")

    def delete(self):
        raise PermissionError("audit records cannot be deleted")


class AuditHead(models.Model):
    """The end of the hash chain: one row, locked while an event is appended."""

    scope_exempt = "the chain head holds no federation data"

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")

    def __str__(self):
        return f"audit head #{self.seq}"


class AuditEvent(models.Model):
    """One audit record: who, when, what, which object, result, IP (SEC-7). Append-only, chained."""

    scope_field = "org"

    seq = models.BigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("操作人"), max_length=150, blank=True, db_index=True)
    org = models.ForeignKey(
        settings.ORG_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices, db_index=True)
    result = models.CharField(_("结果"), max_length=10, choices=AuditResult.choices)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self.hash:
            raise PermissionError("audit records are written only through fuqing.core.audit.record")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit records cannot be deleted")

    @property
    def actor_name(self) -> str:
        """Who acted, by her name (the account's ``display_name``; load with ``select_related("actor")``).
        A record without an account (a failed login) keeps what was typed: that is its subject."""
        try:
            actor = self.actor if self.actor_id else None
        except ObjectDoesNotExist:  # no constraint: an account removed from the database
            actor = None
        return actor.display_name if actor is not None else self.actor_username


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """A long task a user started (import, export, document), with progress she can come back to."""

    scope_field = "org"
    scope_volunteer = "user"  # a volunteer sees only the jobs she started

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(settings.ORG_MODEL, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    input_file = models.CharField(max_length=300, blank=True)
    # what the input is (a digest of register, unit and file content): one import of a file at a time
    input_digest = models.CharField(max_length=64, blank=True, default="")
    output_file = models.CharField(max_length=300, blank=True)
    output_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written by the worker every JOB_HEARTBEAT_SECONDS while the job runs; a running job whose heartbeat
    # stopped (its worker was killed) is marked failed by jobs.reap_stale().
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "input_digest"],
                condition=models.Q(status__in=["queued", "running"]) & ~models.Q(input_digest=""),
                name="core_job_one_active_per_input",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(99, int(self.progress * 100 / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class RateCounter(models.Model):
    """A per-window counter shared by every process (SEC-8: export rate limit): one row per key and
    window, incremented by a single conditional UPDATE so two workers never both take the last slot."""

    scope_exempt = "a counter keyed by user id; holds no federation data"

    key = models.CharField(max_length=100)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="core_ratecounter_key_window")]

    def __str__(self):
        return f"{self.key}@{self.window}: {self.count}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")


class ReminderQuerySet(ScopedQuerySet):
    def for_user(self, user):
        """A user's own reminders (through the one door, then hers only)."""
        return self.visible_to(user).filter(user=user)

    def active(self):
        """Not yet resolved (the need closed, the unit submitted)."""
        return self.filter(resolved_at__isnull=True)

    def unread(self):
        return self.active().filter(read_at__isnull=True)


class Reminder(models.Model):
    """An in-app reminder to one user ("我的提醒"), made by an app's daily generator through
    ``fuqing.core.reminders`` (the only door): a need near or past its review date (NEED-4), a deadline a
    unit still owes (CAM-2). ``source`` + ``key`` name the object ("campaigns.obligation", "42")."""

    scope_field = "org"
    scope_volunteer = "user"  # a volunteer sees only her own reminders

    org = models.ForeignKey(settings.ORG_MODEL, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    source = models.CharField(_("来源"), max_length=40)
    key = models.CharField(_("对象"), max_length=64)
    kind = models.CharField(_("类型"), max_length=20, choices=ReminderKind.choices)
    title = models.CharField(_("内容"), max_length=200)
    due_on = models.DateField(_("到期日期"))
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "source", "key", "kind", "due_on"], name="core_reminder_once"
            )
        ]
        indexes = [
            models.Index(fields=["user", "read_at", "resolved_at"], name="core_reminder_unread"),
            models.Index(fields=["source", "key"], name="core_reminder_object"),
        ]

    def __str__(self):
        return self.title


from fuqing.core.analytics_models import AnalyticsCell, AnalyticsChange, AnalyticsState  # noqa: E402,F401
