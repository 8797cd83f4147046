from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "fuqing.orgs"
    label = "orgs"
    verbose_name = "组织与人员"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from fuqing.core.loaders import register_demo_base
        from fuqing.core.navigation import register
        from fuqing.orgs import demo, ledgers, signals, synth  # noqa: F401

        register_demo_base(demo.load)  # the tree and the accounts, before every app's demo records

        register("admin", _("组织机构"), "orgs:list", perm=("orgs", "view"), order=10)
        register("admin", _("组织机构"), "orgs:list", ability="manage_tree", order=10)
        register("admin", _("用户管理"), "orgs:users", ability="manage_users", order=20)
        register("admin", _("用户与授权"), "orgs:users", ability="grant_roles", order=20)
        register("admin", _("角色权限"), "orgs:roles", ability="grant_roles", order=30)
