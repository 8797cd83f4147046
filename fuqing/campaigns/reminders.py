"""In-app reminders (CAM-2): before a deadline (as many days as it is configured) every user of a unit
that has not submitted is reminded, and once more when it is overdue. Run daily by
``manage.py send_reminders`` or the ``send_reminders`` task; running it twice changes nothing. The rows are
core's ``Reminder`` (one "我的提醒" for every source), written through ``fuqing.core.reminders``."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import CharField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fuqing.campaigns.models import Deadline, Obligation
from fuqing.core import audit
from fuqing.core import reminders as core_reminders
from fuqing.core.models import AuditAction
from fuqing.core.reminders import Notice, ReminderKind
from fuqing.orgs.models import Role, User

SOURCE = "campaigns.obligation"
core_reminders.register_source(SOURCE, gettext_lazy("报送截止"))

# Overdue reminders only for deadlines that passed recently: a first run on an old database must not
# remind everyone of every deadline since 2014.
OVERDUE_WINDOW_DAYS = 30


def recipients_by_org(org_ids) -> dict[int, list[User]]:
    """Active users of each unit whose roles let them submit (campaigns.edit)."""
    role_ids = [r.pk for r in Role.objects.all() if "campaigns.edit" in (r.permissions or [])]
    users = (
        User.objects.filter(org_id__in=org_ids, is_active=True, roles__in=role_ids)
        .distinct()
        .only("id", "org_id")
    )
    result: dict[int, list[User]] = {}
    for user in users:
        result.setdefault(user.org_id, []).append(user)
    return result


def _title(deadline: Deadline, kind: str, today: datetime.date) -> str:
    days = (deadline.due_on - today).days
    if kind == ReminderKind.OVERDUE:
        return _("“%(n)s”已于%(d)s截止，本单位尚未报送。") % {"n": deadline.name, "d": _cn(deadline.due_on)}
    if days == 0:
        return _("“%(n)s”今天截止，本单位尚未报送。") % {"n": deadline.name}
    return _("“%(n)s”将于%(d)s截止（还有 %(k)d 天），本单位尚未报送。") % {
        "n": deadline.name,
        "d": _cn(deadline.due_on),
        "k": days,
    }


def _cn(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def resolve_obligation(obligation_id: int) -> int:
    """The unit submitted: its users' reminders of this deadline leave the to-do (``submissions``)."""
    return core_reminders.resolve(SOURCE, [obligation_id])


@transaction.atomic
def generate_reminders(today: datetime.date | None = None) -> dict:
    """Create the reminders due on ``today`` and resolve those whose unit has since submitted."""
    today = today or timezone.localdate()
    now = timezone.now()
    # Obligations with open reminders that have since been submitted (e.g. by an import): one UPDATE.
    submitted = (
        Obligation.objects.filter(first_submitted_at__isnull=False)
        .annotate(k=Cast("pk", CharField()))
        .filter(k__in=core_reminders.active_keys(SOURCE))
        .values("k")
    )
    resolved = core_reminders.resolve(SOURCE, submitted, at=now)
    created = 0
    deadlines = Deadline.objects.filter(
        due_on__gte=today - datetime.timedelta(days=OVERDUE_WINDOW_DAYS)
    ).select_related("campaign")
    for deadline in deadlines:
        if deadline.due_on >= today:
            if deadline.reminds_on() > today:
                continue
            kind = ReminderKind.DUE_SOON
        else:
            kind = ReminderKind.OVERDUE
        pending = list(
            Obligation.objects.filter(
                deadline=deadline, is_owed=True, first_submitted_at__isnull=True
            ).values_list("pk", "org_id")
        )
        if not pending:
            continue
        users = recipients_by_org({org_id for _pk, org_id in pending})
        title = _title(deadline, kind, today)
        urls = {pk: reverse("campaigns:obligation", args=[pk]) for pk, _org in pending}
        created += core_reminders.remind_many(
            Notice(
                user_id=u.pk,
                org_id=org_id,
                source=SOURCE,
                key=str(pk),
                kind=kind,
                title=title,
                due_on=deadline.due_on,
                url=urls[pk],
            )
            for pk, org_id in pending
            for u in users.get(org_id, [])
        )
    if created or resolved:
        audit.record(
            AuditAction.CREATE,
            object_type="campaigns.reminder",
            object_repr=_("报送提醒"),
            username="send_reminders",
            details={"date": today.isoformat(), "created": created, "resolved": resolved},
        )
    return {"date": today.isoformat(), "created": created, "resolved": resolved}
