"""What every page's frame shows: the campaign year, the user's place in the tree, the navigation."""

from django.utils import timezone

from fuqing.core.navigation import field_actions_for, navigation_for

YEAR_SESSION_KEY = "fuqing_campaign_year"


def platform(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from fuqing.campaigns.services import campaign_for, years_for

    campaign = campaign_for(user, request.session.get(YEAR_SESSION_KEY))
    lineage = user.org.lineage() if user.org_id else []
    return {
        "nav_sections": navigation_for(user),
        "field_actions": field_actions_for(user),
        "current_campaign": campaign,
        "campaign_years": years_for(user),
        "user_lineage": lineage,
        "today": timezone.localdate(),
    }
