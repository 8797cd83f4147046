"""The home-page panel of a cadre's own field work: grassroots days against 60, visits this month (UI.md)."""

from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import get_language

from fuqing.core.context_processors import selected_year
from fuqing.core.home import Panel, register_panel
from fuqing.fieldwork import stats
from fuqing.fieldwork.models import GRASSROOTS_DAYS_TARGET


def month_name(month: int) -> str:
    """11月 in Chinese, November in English."""
    if (get_language() or "zh").startswith("en"):
        return str(MONTHS[month])
    return f"{month}月"


def _my_fieldwork(request):
    user = request.user
    today = timezone.localdate()
    year = selected_year(request)
    days = stats.grassroots_days(user, year)
    month_start, month_end = stats.month_bounds(today.year, today.month)
    counted = user.rank in stats.COMPLIANCE_RANKS
    pace = stats.pace(days, year, today)
    return {
        "year": year,
        "days": days,
        "target": GRASSROOTS_DAYS_TARGET,
        "counted": counted,
        "pace": pace,
        "percent": min(100, round(days * 100 / GRASSROOTS_DAYS_TARGET)),
        "month": today.month,
        "month_name": month_name(today.month),
        "visits_this_month": stats.visits_joined(user, month_start, month_end),
        "can_record": user.has_module_perm("fieldwork", "edit"),
    }


register_panel(
    Panel(
        "fieldwork-days",
        "fieldwork/panels/my_fieldwork.html",
        _my_fieldwork,
        order=30,
        perm=("fieldwork", "view"),
    )
)
