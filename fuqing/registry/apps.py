from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "fuqing.registry"
    label = "registry"
    verbose_name = "妇女档案"

    def ready(self):
        _history_labels()
        from django.utils.translation import gettext_lazy as _

        from fuqing.core.navigation import register
        from fuqing.registry import demo, figures, ledgers, synth, tasks  # noqa: F401

        register("registry", _("妇女名册"), "registry:list", perm=("registry", "view"), order=10)
        register("registry", _("登记妇女"), "registry:add", perm=("registry", "edit"), order=20)
        register("registry", _("疑似重复"), "registry:duplicates", perm=("registry", "view"), order=30)
        register("registry", _("困难群体字典"), "registry:groups", perm=("registry", "view"), order=40)
        register("admin", _("困难群体字典"), "registry:groups", ability="manage_tree", order=40)


def _history_labels():
    """History and the audit log show this app's codes by their labels (issue 11 pt 7)."""
    from fuqing.core.history import register_dictionary, register_labels
    from fuqing.registry.models import ConsentPurpose, VulnerableGroup

    register_dictionary(VulnerableGroup, "groups", "group", "vulnerable_groups")
    register_labels("consent", dict(ConsentPurpose.choices))
