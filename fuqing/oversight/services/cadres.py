"""Leaders lead (SUP-4, notice 四.1–2): each leader's year, measured — grassroots days, stationed stays at a
contact point, visits led, research led, pairs formed and needs resolved through them; leaders and
departments without a contact point (FLD-1) or a pair flagged; the commendation list decided by people.

Each list is one query: every figure is a correlated count on an indexed foreign key.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from fuqing.core import audit
from fuqing.core.models import AuditAction
from fuqing.core.scoping import subtree_q
from fuqing.orgs.models import LEADERSHIP_POSITIONS, Org, OrgKind, Rank, User
from fuqing.oversight.models import Recommendation
from fuqing.oversight.services.common import check_edits, invalid

FLAGS = {
    "no_contact_point": _("无联系点"),
    "no_pair": _("无结对"),
}


def _count(queryset, group: str, expression) -> Subquery:
    return Coalesce(
        Subquery(
            queryset.order_by().values(group).annotate(n=expression).values("n"), output_field=IntegerField()
        ),
        0,
    )


def leaders(actor, area: Org | None = None):
    """Leaders (leadership positions, bureau- and division-level cadres) the actor may see."""
    qs = User.objects.visible_to(actor).filter(is_active=True)
    if area is not None:
        qs = qs.filter(subtree_q(area.path, "org__path"))
    return qs.filter(Q(position__in=LEADERSHIP_POSITIONS) | Q(rank__in=(Rank.BUREAU, Rank.DIVISION)))


def leaders_queryset(actor, area: Org, year: int):
    """Leaders of ``area``'s subtree with their year's record, in one query."""
    return with_record(leaders(actor, area), year)


def with_record(queryset, year: int):
    """Each leader's year: every figure a correlated count on an indexed foreign key."""
    from fuqing.assistance.models import Need, NeedStatus, PairingHelper
    from fuqing.fieldwork.models import ContactPoint, Visit, VisitDay, VisitMember, VisitMethod
    from fuqing.research.models import Topic

    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    me = OuterRef("pk")
    days = _count(
        VisitDay.objects.filter(user=me, day__gte=start, day__lte=end), "user", Count("day", distinct=True)
    )
    stays = _count(
        VisitMember.objects.filter(
            user=me,
            visit__method=VisitMethod.STATIONED,
            visit__contact_point__isnull=False,
            visit__started_on__gte=start,
            visit__started_on__lte=end,
        ),
        "user",
        Count("visit", distinct=True),
    )
    led = _count(
        Visit.objects.filter(lead=me, started_on__gte=start, started_on__lte=end), "lead", Count("id")
    )
    research = _count(Topic.objects.filter(leader=me, year=year), "leader", Count("id"))
    pairs = _count(
        PairingHelper.objects.filter(user=me, pairing__year=year), "user", Count("pairing", distinct=True)
    )
    resolved = _count(
        Need.objects.filter(
            status=NeedStatus.RESOLVED,
            actions__pairing__helpers__user=me,
            actions__pairing__year=year,
        ),
        "status",  # one value under the filter: the whole set is one group
        Count("id", distinct=True),
    )
    has_point = Exists(ContactPoint.objects.filter(keeper=me, is_active=True))
    return (
        queryset.annotate(
            days=days,
            stays=stays,
            led_visits=led,
            research_led=research,
            pairs=pairs,
            needs_resolved=resolved,
            has_contact_point=has_point,
        )
        .select_related("org")
        .order_by("org__path", "-days", "pk")
    )


def flags_of(row) -> list[str]:
    found = []
    if not row.has_contact_point:
        found.append("no_contact_point")
    if not row.pairs:
        found.append("no_pair")
    return found


def departments_queryset(actor, area: Org, year: int):
    """City and district departments of ``area``'s subtree, with whether they keep a contact point and
    hold a pair of the year (as the pairing's unit or a helper unit)."""
    from fuqing.assistance.models import Pairing, PairingHelper
    from fuqing.fieldwork.models import ContactPoint

    me = OuterRef("pk")
    return (
        Org.objects.visible_to(actor)
        .filter(subtree_q(area.path), kind=OrgKind.DEPARTMENT, is_active=True)
        .annotate(
            has_contact_point=Exists(ContactPoint.objects.filter(org=me, is_active=True)),
            has_pair=Exists(Pairing.objects.filter(org=me, year=year))
            | Exists(PairingHelper.objects.filter(helper_org=me, pairing__year=year)),
        )
        .order_by("path")
    )


@transaction.atomic
def recommend(actor, person: User, year: int, *, recommended: bool, reason: str) -> Recommendation:
    """A person decides: the cadre is recommended for commendation (评先树优) or not, with the reason."""
    check_edits(actor, person.org)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("理由：请写明推荐（或不推荐）的理由。")
    if not (2000 <= int(year) <= 2100):
        errors["year"] = _("年度：须在2000年到2100年之间。")
    if errors:
        raise invalid(errors, "SUP-4")
    row, created = Recommendation.objects.update_or_create(
        year=year,
        person=person,
        defaults={
            "org": person.org,
            "recommended": recommended,
            "reason": reason[:2000],
            "decided_by": actor,
        },
    )
    audit.record(
        AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=actor,
        obj=row,
        details={"recommended": recommended, "year": year},
    )
    return row
