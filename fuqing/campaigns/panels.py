"""The home panel of the campaign calendar: what my unit owes next, its status, my reminders (CAM-2)."""

from django.utils import timezone

from fuqing.campaigns.models import Obligation
from fuqing.campaigns.reminders import SOURCE
from fuqing.campaigns.submission_views import row
from fuqing.core.context_processors import current_campaign
from fuqing.core.home import Panel, register_panel
from fuqing.core.models import Reminder
from fuqing.core.reminders import request_unread_count

SHOWN = 5


def _owed(request):
    user = request.user
    if user.org_id is None:
        return None
    campaign = current_campaign(request)
    today = timezone.localdate()
    owed = []
    if campaign is not None:
        obligations = (
            Obligation.objects.visible_to(user)
            .filter(org=user.org, is_owed=True, deadline__campaign=campaign)
            .select_related("deadline")
            .order_by("deadline__due_on")
        )
        rows = [row(o, today) for o in obligations]
        # What is still open first (nearest deadline first), then what is done.
        owed = sorted(rows, key=lambda r: (r["status"] not in ("pending", "missing"), r["o"].deadline.due_on))
    deadline_reminders = Reminder.objects.for_user(user).unread().filter(source=SOURCE)
    return {
        "campaign": campaign,
        "owed": owed[:SHOWN],
        "more": max(0, len(owed) - SHOWN),
        # The badge beside 我的提醒 counts what that page and the bell count (one COUNT per request).
        "reminder_count": request_unread_count(request),
        "reminders": list(deadline_reminders.only("id", "title")[:3]),
    }


register_panel(
    Panel("campaign_owed", "campaigns/panels/owed.html", _owed, order=25, perm=("campaigns", "view"))
)
