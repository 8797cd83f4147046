from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "fuqing.projects"
    label = "projects"
    verbose_name = "实事项目"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from fuqing.core.navigation import register
        from fuqing.projects import demo, figures, ledgers, panels, registry_hooks, synth  # noqa: F401
        from fuqing.projects.access import is_volunteer_only

        registry_hooks.connect()
        _figures_generation()

        def cadre(user):
            return not is_volunteer_only(user)

        view, edit = ("projects", "view"), ("projects", "edit")
        register("projects", _("项目进度"), "projects:overview", perm=view, when=cadre, order=10)
        register("projects", _("月度填报"), "projects:report", perm=edit, when=cadre, order=20)
        register("projects", _("受益人"), "projects:beneficiaries", perm=view, when=cadre, order=30)
        register("projects", _("志愿者结对"), "projects:pairs", perm=view, when=cadre, order=40)
        register("projects", _("空巢老人家庭"), "projects:households", perm=view, when=cadre, order=50)
        register("projects", _("巾帼志愿者"), "projects:volunteers", perm=view, when=cadre, order=60)
        register(
            "projects",
            _("我的结对家庭"),
            "projects:my-households",
            perm=view,
            when=is_volunteer_only,
            order=5,
        )
        register("admin", _("志愿者账户"), "projects:volunteer-accounts", ability="manage_users", order=25)
        register("admin", _("志愿者账户"), "projects:volunteer-accounts", ability="grant_roles", order=26)


def _figures_generation():
    """Any write to what the progress figures read moves the ``projects`` generation, so shared figures
    (the home page's lagging panel) are recomputed (``core.computed``)."""
    from django.db.models.signals import post_delete, post_save

    from fuqing.core import frame
    from fuqing.projects.models import Beneficiary, Indicator, ProgressEntry, Project, Target, VolunteerPair

    def changed(**kwargs):
        frame.bump("projects")

    for model in (Beneficiary, Indicator, ProgressEntry, Project, Target, VolunteerPair):
        uid = f"projects-figures-{model.__name__}"
        post_save.connect(changed, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}-delete", weak=False)
