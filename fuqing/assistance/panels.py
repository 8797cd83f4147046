"""The home page's assistance panel (NEED-4): overdue needs of mine and of my unit, and my unread
reminders — all of them, the same number as the top bar's bell."""

from django.utils import timezone

from fuqing.assistance.reminders import todo_for
from fuqing.core.home import Panel, register_panel
from fuqing.core.reminders import request_unread_count


def _todo(request):
    user = request.user
    if user.org_id is None:
        return None
    todo = todo_for(user, timezone.localdate(), limit=5)
    # All her unread reminders, as the bell counts them (one count per request, shared with the bell).
    return {**todo, "unread": request_unread_count(request)}


register_panel(
    Panel("assistance_todo", "assistance/panels/todo.html", _todo, order=30, perm=("assistance", "view"))
)
