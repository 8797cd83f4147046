from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "fuqing.assistance"
    label = "assistance"
    verbose_name = "诉求与帮扶"

    def ready(self):
        _history_labels()
        from django.utils.translation import gettext_lazy as _

        from fuqing.assistance import analytics, demo, figures, ledgers, panels, reminders, services, synth  # noqa: F401
        from fuqing.core.navigation import register
        from fuqing.fieldwork.hooks import register_needs

        register_needs(  # a visit's lines become needs of the register (FLD-2, NEED-1)
            sync_visit=services.sync_visit_needs,
            record_woman=services.record_woman_needs,
            withdraw_visit=services.withdraw_visit_needs,
            visit_needs=services.visible_visit_needs,
        )

        view = ("assistance", "view")
        edit = ("assistance", "edit")
        register("assistance", _("诉求"), "assistance:need-list", perm=view, order=10)
        register("assistance", _("记诉求"), "assistance:need-add", perm=edit, order=11, field_action=True)
        register("assistance", _("待办与逾期"), "assistance:todo", perm=view, order=12)
        register("assistance", _("结对帮扶"), "assistance:pairing-list", perm=view, order=20)
        register("assistance", _("帮扶措施与资金"), "assistance:action-list", perm=view, order=30)
        register("assistance", _("热点难点问题"), "assistance:hot-issues", perm=view, order=40)
        register("assistance", _("对策建议"), "assistance:suggestion-list", perm=view, order=50)
        register("admin", _("诉求类别"), "assistance:categories", ability="manage_campaigns", order=60)


def _history_labels():
    """History and the audit log show this app's codes by their labels (issue 11 pt 7)."""
    from fuqing.assistance.models import NeedCategory
    from fuqing.core.history import register_dictionary

    register_dictionary(NeedCategory, "category", "categories")
