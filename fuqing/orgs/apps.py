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
        _frame_generations()


def _frame_generations():
    """A unit or a role saved or deleted: the frames that show them (lineage, navigation) read again."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from fuqing.core import frame
    from fuqing.orgs.models import Org, Role, ScopeGrant, User

    for model, names in (
        (Org, ("orgs", "users")),
        (Role, ("roles", "users")),
        (User, ("users",)),
        (ScopeGrant, ("users",)),
    ):

        def changed(names=names, **kwargs):
            for name in names:
                frame.bump(name)

        uid = f"frame-{model.__name__}"
        post_save.connect(changed, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}-delete", weak=False)

    def roles_changed(**kwargs):
        frame.bump("users")

    m2m_changed.connect(roles_changed, sender=User.roles.through, dispatch_uid="frame-user-roles", weak=False)
