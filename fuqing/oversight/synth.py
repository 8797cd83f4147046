"""Synthetic oversight data (``manage.py synth``): each city's scheme of the notice, an inspector per city
assigned to its districts who scores the inspected item for every district and street, and good cases
and publicity items across the districts — all in bulk inserts."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from fuqing.core.synth import SynthContext, register_step, woman_name
from fuqing.orgs.models import Org, OrgKind, Position, Rank, Role, User

YEAR = 2014
MEDIA = ["日报", "晚报", "妇女网", "电视台", "微信公众号"]
STATUSES = ["draft", "submitted", "submitted", "selected", "promoted", "returned"]


@register_step("oversight", order=600)
def synth_oversight(ctx: SynthContext) -> None:
    from fuqing.oversight.demo import SCHEME_ITEMS
    from fuqing.oversight.models import (
        Assignment,
        GoodCase,
        InspectorScore,
        Item,
        ItemKind,
        PublicityItem,
        Scheme,
    )

    rng = ctx.rng
    cities = list(Org.objects.filter(kind=OrgKind.CITY).order_by("path"))
    role = Role.objects.get(code="inspector")
    below = list(
        Org.objects.filter(kind__in=(OrgKind.DISTRICT, OrgKind.TOWNSHIP), is_active=True)
        .order_by("path")
        .values_list("pk", "path", "kind", "name")
    )
    schemes = Scheme.objects.bulk_create(
        Scheme(org=city, year=YEAR, name="“下基层、访妇情、办实事”活动督查考核方案") for city in cities
    )
    items = []
    for scheme in schemes:
        for position, (name, kind, weight, key, rule, target, description) in enumerate(
            SCHEME_ITEMS, start=1
        ):
            items.append(
                Item(
                    scheme=scheme,
                    position=position,
                    name=name,
                    kind=kind,
                    weight=Decimal(weight),
                    figure_key=key,
                    rule=rule,
                    target=target,
                    description=description,
                )
            )
    Item.objects.bulk_create(items, batch_size=2000)
    inspected = {i.scheme_id: i for i in Item.objects.filter(scheme__in=schemes, kind=ItemKind.INSPECTED)}
    from fuqing.orgs.synth import SYNTH_PASSWORD

    encoded = make_password(SYNTH_PASSWORD)  # one hash for all, as the users step does
    inspectors = User.objects.bulk_create(
        User(
            username=f"synth_inspector_{city.pk}",
            name=woman_name(rng),  # a person, like every synthetic cadre
            org=city,
            position=Position.CADRE,
            rank=Rank.SECTION,
            password=encoded,
        )
        for index, city in enumerate(cities)
    )
    User.roles.through.objects.bulk_create(
        User.roles.through(user_id=u.pk, role_id=role.pk) for u in inspectors
    )
    from fuqing.projects.models import Project

    rows = list(Project.objects.filter(year=YEAR).order_by("pk").values_list("pk", "name", "org__path"))
    projects = {
        c.path: next(
            ((pk, name) for pk, name, p in rows if c.path.startswith(p) or p.startswith(c.path)), None
        )
        for c in cities
    }
    assignments, scores, cases, publicity = [], [], [], []
    now = timezone.now()
    for scheme, inspector in zip(schemes, inspectors, strict=True):
        city_path = scheme.org.path
        item = inspected[scheme.pk]
        for pk, path, kind, name in below:
            if not path.startswith(city_path):
                continue
            if kind == OrgKind.DISTRICT:
                assignments.append(Assignment(scheme=scheme, inspector=inspector, unit_id=pk))
            scores.append(
                InspectorScore(
                    item=item,
                    unit_id=pk,
                    points=Decimal(rng.choice(["3.0", "3.5", "4.0", "4.5", "5.0"])),
                    comment="实施方案完整，宣传推广有成效。",
                    evidence_note="现场查阅",
                    scored_by=inspector,
                )
            )
            project = projects.get(city_path)
            if kind == OrgKind.DISTRICT and project is not None:
                for n in range(rng.randint(1, 3)):
                    status = rng.choice(STATUSES)
                    cases.append(
                        GoodCase(
                            org_id=pk,
                            year=YEAR,
                            title=f"{name}典型案例{n + 1}",
                            story="走访发现困难妇女的诉求后，妇联干部结对帮扶，协调有关部门解决了实际问题。",
                            source_kind="project",
                            source_id=str(project[0]),
                            source_label=f"实事项目：{project[1]}",
                            evidence_note="帮扶台账",
                            status=status,
                            submitted_at=now if status != "draft" else None,
                            promoted_by_org=scheme.org if status == "promoted" else None,
                            decided_at=now if status in ("selected", "promoted", "returned") else None,
                        )
                    )
            if kind == OrgKind.DISTRICT:
                for n in range(rng.randint(0, 4)):
                    publicity.append(
                        PublicityItem(
                            org_id=pk,
                            year=YEAR,
                            media=rng.choice(MEDIA),
                            published_on=datetime.date(YEAR, rng.randint(4, 8), rng.randint(1, 28)),
                            title=f"{name}开展“下基层、访妇情、办实事”活动（{n + 1}）",
                            activity="下基层、访妇情、办实事",
                        )
                    )
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    InspectorScore.objects.bulk_create(scores, batch_size=2000)
    GoodCase.objects.bulk_create(cases, batch_size=2000)
    PublicityItem.objects.bulk_create(publicity, batch_size=2000)
    ctx.log(
        f"oversight: {len(schemes)} schemes, {len(scores)} inspectors' scores, {len(cases)} cases, "
        f"{len(publicity)} publicity items"
    )
