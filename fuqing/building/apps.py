from django.apps import AppConfig


class BuildingConfig(AppConfig):
    name = "fuqing.building"
    label = "building"
    verbose_name = "组织建设"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from fuqing.building import demo, figures, ledgers, panels, reminders, synth  # noqa: F401
        from fuqing.core.navigation import register

        view, edit = ("building", "view"), ("building", "edit")
        register("building", _("组织建设概况"), "building:overview", perm=view, order=10)
        register("building", _("妇女之家"), "building:homes", perm=view, order=20)
        register("building", _("妇女小组"), "building:groups", perm=view, order=30)
        register("building", _("换届与班子"), "building:elections", perm=view, order=40)
        register("building", _("干部培训"), "building:trainings", perm=view, order=50)
        register("building", _("工作手册"), "building:handbooks", perm=view, order=60)
        register("building", _("工作条件"), "building:conditions", perm=view, order=70)
        del edit
