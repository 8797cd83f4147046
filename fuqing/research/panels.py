"""The home panel of research (UI.md): reports awaiting the user's review, and the scoring she owes."""

from fuqing.core.home import Panel, register_panel
from fuqing.research import rules


def _review(request):
    from fuqing.research.filters import awaiting_review
    from fuqing.research.models import Competition, ScoreSheet
    from fuqing.research.services.cup import entries_for_judge

    user = request.user
    reviewer = rules.is_research_office(user) or (
        user.is_leader and user.has_module_perm("research", "approve")
    )
    waiting = awaiting_review(user).select_related("org").order_by("submitted_at") if reviewer else None
    judging = []
    for competition in (
        Competition.objects.visible_to(user)
        .filter(judges__user=user, closed_at__isnull=True)
        .select_related("org")[:5]
    ):
        judge = competition.judges.select_related("user__org").get(user=user)
        owed = len(entries_for_judge(judge)) - ScoreSheet.objects.filter(judge=judge).count()
        judging.append({"competition": competition, "owed": max(owed, 0)})
    if waiting is None and not judging:
        return None
    return {
        "reviewer": reviewer,
        "waiting": list(waiting[:5]) if waiting is not None else [],
        "waiting_count": waiting.count() if waiting is not None else 0,
        "judging": judging,
    }


register_panel(
    Panel("research-review", "research/panels/review.html", _review, order=40, perm=("research", "view"))
)
