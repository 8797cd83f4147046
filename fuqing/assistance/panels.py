"""The home page's assistance panel (NEED-4): overdue needs of mine and of my unit, my reminders."""

from django.utils import timezone

from fuqing.core.home import Panel, register_panel


def _todo(request):
    from fuqing.assistance.reminders import todo_for, unread_count

    user = request.user
    if user.org_id is None:
        return None
    todo = todo_for(user, timezone.localdate(), limit=5)
    return {**todo, "unread": unread_count(user)}


register_panel(
    Panel("assistance_todo", "assistance/panels/todo.html", _todo, order=30, perm=("assistance", "view"))
)
