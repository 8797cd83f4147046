"""Home panels of oversight (UI.md): cases the city promoted, shown on every home page below it; the
unit's published assessment rank."""

from fuqing.core.context_processors import requested_year, selected_year
from fuqing.core.home import Panel, register_panel
from fuqing.core.scoping import user_scope


def _promoted(request):
    from fuqing.oversight.models import GoodCase

    user = request.user
    if user.org_id is None:
        return None
    year = requested_year(request) or selected_year(request)
    cases = list(
        GoodCase.objects.promoted_above(user.org)
        .filter(year=year)
        .select_related("org")
        .order_by("-decided_at")[:5]
    )
    if not cases:
        return None
    scope = user_scope(user)
    # a promoted case is published to the whole subtree below the promoter: its title, unit and story show
    # here for everyone below; its record (evidence, history) only to those whose scope covers it
    return {"cases": [{"case": c, "mine": scope.covers(c.org.path)} for c in cases]}


def _rank(request):
    from fuqing.oversight.services.scoring import unit_rank

    user = request.user
    if user.org_id is None:
        return None
    year = requested_year(request) or selected_year(request)
    result = unit_rank(user.org, year)
    return {"year": year, "result": result} if result else None


register_panel(Panel("oversight-cases", "oversight/panels/cases.html", _promoted, order=60))
register_panel(
    Panel("oversight-rank", "oversight/panels/rank.html", _rank, order=65, perm=("oversight", "view"))
)
