from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "fuqing.dashboard"
    label = "dashboard"
    verbose_name = _("数据看板")

    def ready(self):
        # the city chair's home page is her dashboard (RPT-1): core asks the registered home pages first
        from fuqing.core.home import register_home_page
        from fuqing.core.navigation import register
        from fuqing.dashboard import demo  # noqa: F401
        from fuqing.dashboard.views import chair_home, has_unit

        register_home_page(chair_home)
        register("home", _("数据看板"), "dashboard:own", order=2, when=has_unit)
