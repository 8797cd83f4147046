"""Reminders of term elections (BLD-3): a unit's election falling due within three months, or overdue,
reminds the leaders of the unit and of its parent unit ("listed for the parent"). ``manage.py
building_reminders`` runs it daily; recording the next election resolves the reminders."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fuqing.building.models import Election
from fuqing.core import reminders as core_reminders
from fuqing.core.models import ReminderKind
from fuqing.core.reminders import Notice
from fuqing.orgs.models import Org, Role, User

SOURCE = "building.election"
core_reminders.register_source(SOURCE, gettext_lazy("换届提醒"))
DUE_SOON_DAYS = 90


def resolve_election(election_id: int) -> int:
    return core_reminders.resolve(SOURCE, [election_id])


@transaction.atomic
def generate_reminders(today: datetime.date | None = None) -> int:
    """Notices for every current election due within DUE_SOON_DAYS or overdue (bulk, idempotent)."""
    today = today or timezone.localdate()
    due = list(
        Election.objects.current()
        .filter(next_due__lte=today + datetime.timedelta(days=DUE_SOON_DAYS), org__is_active=True)
        .select_related("org")
    )
    if not due:
        return 0
    parents = {e.pk: e.org.path[: -Org.steplen] for e in due}
    parent_ids = dict(Org.objects.filter(path__in=set(parents.values())).values_list("path", "pk"))
    role_ids = [r.pk for r in Role.objects.all() if "building.edit" in (r.permissions or [])]
    wanted = {e.org_id for e in due} | set(parent_ids.values())
    users: dict[int, list[int]] = {}
    for user_id, org_id in (
        User.objects.filter(org_id__in=wanted, is_active=True, roles__in=role_ids)
        .distinct()
        .values_list("pk", "org_id")
    ):
        users.setdefault(org_id, []).append(user_id)
    notices = []
    for election in due:
        kind = ReminderKind.OVERDUE if election.next_due < today else ReminderKind.DUE_SOON
        title = (
            _("%(org)s的换届已于%(d)s到期，尚未换届。")
            if kind == ReminderKind.OVERDUE
            else _("%(org)s应于%(d)s前完成换届。")
        ) % {
            "org": election.org.name,
            "d": f"{election.next_due.year}年{election.next_due.month}月{election.next_due.day}日",
        }
        url = reverse("building:unit-team", args=[election.org_id])
        for org_id in {election.org_id, parent_ids.get(parents[election.pk])} - {None}:
            for user_id in users.get(org_id, []):
                notices.append(
                    Notice(
                        user_id,
                        election.org_id,
                        SOURCE,
                        str(election.pk),
                        kind,
                        title,
                        election.next_due,
                        url,
                    )
                )
    return core_reminders.remind_many(notices)
