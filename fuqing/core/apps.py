from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fuqing.core"
    label = "core"
    verbose_name = "核心"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from fuqing.core import at_rest, ledger_jobs, ledgers, panels, signals  # noqa: F401
        from fuqing.core.navigation import register

        register("home", _("首页"), "home", order=0)
        register("home", _("我的提醒"), "reminders", order=5)
        register("admin", _("审计日志"), "audit-list", ability="read_audit", order=90)
        register("ledgers", _("我的后台任务"), "job-list", order=90)
