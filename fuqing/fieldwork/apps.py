from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "fuqing.fieldwork"
    label = "fieldwork"
    verbose_name = "下基层"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from fuqing.core.navigation import register
        from fuqing.fieldwork import analytics, demo, figures, ledgers, panels, synth  # noqa: F401

        view = ("fieldwork", "view")
        edit = ("fieldwork", "edit")
        register("fieldwork", _("联系点"), "fieldwork:contact-points", perm=view, order=10)
        register("fieldwork", _("走访"), "fieldwork:visits", perm=view, order=20)
        register("fieldwork", _("蹲点"), "fieldwork:stays", perm=view, order=30)
        register("fieldwork", _("问卷"), "fieldwork:questionnaires", perm=view, order=40)
        register("fieldwork", _("下基层天数"), "fieldwork:compliance", perm=view, order=50)
        register("fieldwork", _("调研月统计"), "fieldwork:survey-month", perm=view, order=60)
        register("fieldwork", _("记走访"), "fieldwork:visit-add", perm=edit, order=90, field_action=True)
        register("fieldwork", _("填问卷"), "fieldwork:fill-list", perm=edit, order=92, field_action=True)
