from django.apps import AppConfig


def _history_labels():
    """History and the audit log show this app's codes by their labels (issue 11 pt 7)."""
    from fuqing.campaigns.models import Deadline
    from fuqing.core.history import register_dictionary

    register_dictionary(Deadline, "deadline")


class CampaignsConfig(AppConfig):
    name = "fuqing.campaigns"
    label = "campaigns"
    verbose_name = "活动与报送"

    def ready(self):
        _history_labels()
        from django.utils.translation import gettext_lazy as _

        from fuqing.campaigns import demo, figures, ledgers, panels, reminders, summaries, synth  # noqa: F401
        from fuqing.campaigns.services import campaign_for, years_for
        from fuqing.core.navigation import register
        from fuqing.core.years import register_campaigns

        register_campaigns(campaign_for, years_for)  # the top bar's campaign year

        register("campaigns", _("活动日程"), "campaigns:list", perm=("campaigns", "view"), order=80)
        register("campaigns", _("活动日程"), "campaigns:list", ability="manage_campaigns", order=80)
        register("campaigns", _("实施方案"), "campaigns:plans", perm=("campaigns", "view"), order=82)
        register("campaigns", _("报送情况"), "campaigns:status", perm=("campaigns", "view"), order=84)
        _frame_generations()


def _frame_generations():
    """A campaign saved or deleted: every page's year switch and current campaign read it again."""
    from django.db.models.signals import post_delete, post_save

    from fuqing.campaigns.models import Campaign
    from fuqing.core import frame

    def changed(**kwargs):
        frame.bump("campaigns")

    post_save.connect(changed, sender=Campaign, dispatch_uid="frame-campaigns-save", weak=False)
    post_delete.connect(changed, sender=Campaign, dispatch_uid="frame-campaigns-delete", weak=False)
