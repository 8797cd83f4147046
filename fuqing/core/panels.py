"""The home page's first panels: the user's unit and the campaign calendar (CAM-1)."""

from django.utils import timezone

from fuqing.core import frame
from fuqing.core.context_processors import current_campaign
from fuqing.core.home import Panel, register_panel


def _unit(request):
    user = request.user
    if user.org_id is None:
        return None
    return {
        "org": user.org,
        "children": frame.child_units(user.org),
    }


def _calendar(request):
    campaign = current_campaign(request)
    if campaign is None:
        return {"campaign": None}
    today = timezone.localdate()
    deadlines = []
    for d in campaign.deadlines.all():
        days = (d.due_on - today).days
        state = "overdue" if days < 0 else "soon" if days <= d.remind_days_before else ""
        deadlines.append({"deadline": d, "days": days, "state": state})
    upcoming = [d for d in deadlines if d["days"] >= 0][:3]
    survey_start, survey_end = campaign.survey_month_range
    return {
        "campaign": campaign,
        "deadlines": deadlines,
        "upcoming": upcoming,
        "survey_start": survey_start,
        "survey_end": survey_end,
        "running": campaign.starts_on <= today <= campaign.ends_on,
    }


register_panel(Panel("unit", "core/panels/unit.html", _unit, order=10))
register_panel(Panel("calendar", "core/panels/calendar.html", _calendar, order=20))
