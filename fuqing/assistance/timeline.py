"""A woman's assistance on one timeline (NEED-2): her pairs and helpers, every need, every step of each
need, and every action — five queries whatever the number of entries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.assistance.models import Action, Need, NeedEvent, NeedEventType, Pairing, PairingHelper


@dataclass
class Entry:
    on: datetime.date
    sort: tuple
    kind: str  # pairing / need / event / action
    title: str
    detail: str = ""
    url: str = ""
    status: str = ""


def woman_timeline(user, woman) -> dict:
    helpers = PairingHelper.objects.select_related("user", "helper_org")
    pairings = list(
        Pairing.objects.visible_to(user)
        .filter(woman=woman)
        .prefetch_related(Prefetch("helpers", queryset=helpers))
        .order_by("-starts_on")
    )
    needs = list(
        Need.objects.visible_to(user).filter(woman=woman).select_related("category", "org", "handler")
    )
    events = list(
        NeedEvent.objects.visible_to(user)
        .filter(need__woman=woman)
        .exclude(type__in=[NeedEventType.CREATED, NeedEventType.CONVERTED, NeedEventType.ACTION])
        .select_related("actor")
    )
    actions = list(
        Action.objects.visible_to(user).filter(woman=woman).select_related("given_by", "given_by_org")
    )
    need_by_id = {n.pk: n for n in needs}
    entries: list[Entry] = []
    for p in pairings:
        names = "、".join(str(h.user or h.helper_org) for h in p.helpers.all())
        url = reverse("assistance:pairing-detail", kwargs={"pk": p.pk})
        entries.append(
            Entry(
                p.starts_on,
                (p.starts_on, 0),
                "pairing",
                _("结对帮扶（%(k)s）") % {"k": p.get_kind_display()},
                names,
                url,
            )
        )
        if p.ends_on:
            entries.append(Entry(p.ends_on, (p.ends_on, 0), "pairing", _("结对结束"), names, url))
    for n in needs:
        title = f"{n.category.name if n.category else ''} · {n.get_source_display()}"
        url = reverse("assistance:need-detail", kwargs={"pk": n.pk})
        entries.append(Entry(n.reported_on, (n.reported_on, 1), "need", title, n.description, url, n.status))
    for e in events:
        on = timezone.localtime(e.at).date()
        need = need_by_id.get(e.need_id)
        url = reverse("assistance:need-detail", kwargs={"pk": e.need_id})
        detail = (need.description[:40] + " — " if need else "") + e.note
        entries.append(Entry(on, (on, 2, e.at), "event", e.get_type_display(), detail, url))
    funds = Decimal("0")
    for a in actions:
        funds += a.amount or 0
        who = str(a.given_by or a.given_by_org or "")
        amount = f" {a.amount}元" if a.amount else ""
        title = f"{a.get_service_display()}{amount}"
        detail = "；".join(x for x in (who, a.project_name, a.notes) if x)
        url = reverse("assistance:action-edit", kwargs={"pk": a.pk})
        entries.append(Entry(a.given_on, (a.given_on, 3), "action", title, detail, url))
    entries.sort(key=lambda x: x.sort, reverse=True)
    return {
        "woman": woman,
        "pairings": pairings,
        "needs": needs,
        "open_needs": sum(1 for n in needs if n.is_open),
        "actions": len(actions),
        "funds": funds,
        "entries": entries,
    }
