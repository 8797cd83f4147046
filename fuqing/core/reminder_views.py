"""我的提醒: one page for every in-app reminder of the user (needs to review, deadlines owed)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.core import reminders
from fuqing.core.models import Reminder
from fuqing.core.routes import scoped, unscoped
from fuqing.core.scoping import get_visible_or_404

PER_PAGE = 30


@scoped(Reminder, "list")
def reminder_list(request):
    """The user's own reminders from every source, newest first; ``?show=unread`` keeps the unread."""
    show = "unread" if request.GET.get("show") == "unread" else "all"
    qs = Reminder.objects.for_user(request.user)
    if show == "unread":
        qs = qs.unread()
    q = request.GET.get("q", "").strip()[:50]
    if q:
        qs = qs.filter(title__icontains=q)
    page = Paginator(qs.order_by("-created_at", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    for r in page:
        r.source_label = reminders.source_label(r.source)
    params = {k: v for k, v in (("q", q), ("show", show if show != "all" else "")) if v}
    return render(
        request,
        "core/reminder_list.html",
        {
            "page": page,
            "q": q,
            "show": show,
            "querystring": urlencode(params),
            "unread": reminders.request_unread_count(request),
        },
    )


@require_POST
@scoped(Reminder, "change")
def reminder_read(request, pk):
    """Mark one reminder read, then open what it is about (or, with ``stay``, come back to the list)."""
    reminder = get_visible_or_404(Reminder, request.user, pk=pk)
    if reminder.user_id != request.user.pk:
        raise Http404  # another user's reminder does not exist for her
    reminders.mark_read(request.user, [reminder.pk])
    if request.POST.get("stay") or not url_has_allowed_host_and_scheme(
        reminder.url, allowed_hosts={request.get_host()}
    ):
        return redirect(_back(request))
    return redirect(reminder.url)


@require_POST
@unscoped("marks the caller's own reminders read")
def reminder_read_all(request):
    reminders.mark_read(request.user, "all")
    messages.success(request, _("提醒已全部标为已读。"))
    return redirect(_back(request))


def _back(request) -> str:
    url = reverse("reminders")
    show = request.POST.get("show", "")
    return f"{url}?show=unread" if show == "unread" else url
