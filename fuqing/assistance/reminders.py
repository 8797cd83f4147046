"""Needs past or near their review date (NEED-4): to-do lists and in-app reminders.

``generate_reminders`` runs daily (``manage.py assistance_reminders`` from cron, or the
``assistance_reminders`` job); it writes through ``fuqing.core.reminders`` (one "我的提醒" for every
source), so it is idempotent: one reminder per user, need, kind and review date. A need closed leaves its
reminders resolved (at once through ``services``, and by this job's sweep for anything else).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fuqing.assistance.models import Need, PairingHelper, PairingStatus
from fuqing.core import jobs, paging
from fuqing.core import reminders as core_reminders
from fuqing.core.reminders import Notice, ReminderKind

SOURCE = "assistance.need"
core_reminders.register_source(SOURCE, gettext_lazy("诉求复查"))
# The sweep resolves the reminders of needs closed in this many days (closing through the services
# resolves them at once; the sweep catches closings written any other way).
SWEEP_DAYS = 30


def remind_days() -> int:
    return int(getattr(settings, "ASSISTANCE_REMIND_DAYS", 3))


def helped_women(user):
    """Women the user is paired with as a helper (active pairs)."""
    return PairingHelper.objects.filter(user=user, pairing__status=PairingStatus.ACTIVE).values(
        "pairing__woman_id"
    )


def mine(user, queryset, women: list | None = None):
    """Needs the user handles, or of women she helps in an active pair.

    ``women``: the ids of the women she helps, read once (``helped_women``) and passed as a list, so the
    database starts from her two indexes (handler, woman) instead of walking every open need of the
    scope to test each against a subquery (issue 16: 310k rows read for none found)."""
    if women is None:
        women = list(helped_women(user).values_list("pairing__woman_id", flat=True))
    return queryset.filter(Q(handler=user) | Q(woman_id__in=women))


def todo_for(user, today: datetime.date | None = None, limit: int = 50) -> dict:
    """The helper's and the unit's open needs that are overdue or due soon (NEED-4)."""
    today = today or timezone.localdate()
    visible = Need.objects.visible_to(user).select_related("category", "woman", "org", "handler")
    overdue = visible.overdue(today).order_by("review_on")
    soon = visible.due_within(today, remind_days()).order_by("review_on")
    unit = overdue.in_subtree(user.org) if user.org_id else overdue.none()
    women = list(helped_women(user).values_list("pairing__woman_id", flat=True))
    count = paging.count_rows(unit)
    return {
        "today": today,
        "mine_overdue": list(mine(user, overdue, women)[:limit]),
        "mine_soon": list(mine(user, soon, women)[:limit]),
        "unit_overdue": list(unit[:limit]),
        # Counted up to the lists' threshold (a city has tens of thousands): "10000+" past it.
        "unit_overdue_count": count.value if count.exact else count.limit,
        "unit_overdue_more": not count.exact,
    }


def _recipients(needs: list[Need]) -> dict:
    """need id -> user ids: its handler and the helpers (cadres) of the woman's active pairs."""
    woman_ids = {n.woman_id for n in needs if n.woman_id}
    helpers: dict = {}
    for woman_id, user_id in PairingHelper.objects.filter(
        pairing__woman_id__in=woman_ids, pairing__status=PairingStatus.ACTIVE, user__isnull=False
    ).values_list("pairing__woman_id", "user_id"):
        helpers.setdefault(woman_id, set()).add(user_id)
    result = {}
    for need in needs:
        users = set(helpers.get(need.woman_id, set()))
        if need.handler_id:
            users.add(need.handler_id)
        if not users and need.created_by_id:
            users.add(need.created_by_id)
        result[need.pk] = users
    return result


def generate_reminders(today: datetime.date | None = None, batch: int = 2000) -> int:
    """Create the reminders due today; returns how many were new."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=remind_days())
    recently_closed = Need.objects.closed().filter(closed_on__gte=today - datetime.timedelta(days=SWEEP_DAYS))
    # Keys are str(uuid); a database cast would spell a UUID differently on SQLite and PostgreSQL.
    core_reminders.resolve(SOURCE, [str(pk) for pk in recently_closed.values_list("pk", flat=True)])
    candidates = Need.objects.open().filter(review_on__isnull=False, review_on__lte=horizon)
    created = 0
    chunk: list[Need] = []
    fields = ("id", "org_id", "woman_id", "handler_id", "created_by_id", "review_on", "description")
    for need in candidates.only(*fields).iterator(chunk_size=batch):
        chunk.append(need)
        if len(chunk) >= batch:
            created += _remind(chunk, today)
            chunk = []
    if chunk:
        created += _remind(chunk, today)
    return created


def _remind(needs: list[Need], today: datetime.date) -> int:
    recipients = _recipients(needs)
    notices = []
    for need in needs:
        if need.review_on < today:
            kind = ReminderKind.OVERDUE
            template = _("诉求“%(d)s”已过复查日期 %(on)s，请尽快办理。")
        else:
            kind = ReminderKind.DUE_SOON
            template = _("诉求“%(d)s”将于 %(on)s 到复查日期。")
        title = template % {"d": need.description[:40], "on": need.review_on.isoformat()}
        url = reverse("assistance:need-detail", args=[need.pk])
        notices.extend(
            Notice(
                user_id=user_id,
                org_id=need.org_id,
                source=SOURCE,
                key=str(need.pk),
                kind=kind,
                title=title,
                due_on=need.review_on,
                url=url,
            )
            for user_id in recipients[need.pk]
        )
    return core_reminders.remind_many(notices)


def resolve_need(need: Need) -> int:
    """The need is closed: its reminders leave everyone's to-do."""
    return core_reminders.resolve(SOURCE, [need.pk])


@jobs.handler("assistance_reminders")
def run_reminders_job(job, progress) -> dict:
    return {"created": generate_reminders()}
