from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "fuqing.research"
    label = "research"
    verbose_name = "调研"

    def ready(self):
        _history_labels()
        from django.utils.translation import gettext_lazy as _

        from fuqing.core.navigation import register
        from fuqing.research import demo, figures, ledgers, panels, synth  # noqa: F401
        from fuqing.research.services import books  # noqa: F401  (the book job's handler)

        register("research", _("课题"), "research:topics", perm=("research", "view"), order=10)
        register("research", _("报告"), "research:reports", perm=("research", "view"), order=20)
        register("research", _("求实杯"), "research:cup", perm=("research", "view"), order=30)
        register("research", _("汇编"), "research:books", perm=("research", "export"), order=40)


def _history_labels():
    """History and the audit log show this app's codes by their labels (issue 11 pt 7)."""
    from fuqing.core.history import register_labels
    from fuqing.research.services.reports import ACTION_LABELS

    register_labels("action", {k: str(v) for k, v in ACTION_LABELS.items()})
