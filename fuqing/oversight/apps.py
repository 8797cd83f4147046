from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "fuqing.oversight"
    label = "oversight"
    verbose_name = "督查考核"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from fuqing.core.navigation import register
        from fuqing.oversight import demo, figures, ledgers, panels, synth  # noqa: F401

        view = ("oversight", "view")
        register("oversight", _("考核方案"), "oversight:schemes", perm=view, order=10)
        register("oversight", _("考核排名"), "oversight:ranking", perm=view, order=20)
        register("oversight", _("干部带头"), "oversight:cadres", perm=view, order=30)
        register("oversight", _("典型案例"), "oversight:cases", perm=view, order=40)
        register("oversight", _("宣传报道"), "oversight:publicity", perm=view, order=50)
        register("oversight", _("制度规定"), "oversight:practices", perm=view, order=60)
