"""Synthetic organisation building (``manage.py synth``): a Women's Home in every village and community
(about 20,000 for the province), some of them demonstration sites and some idle, a women's group in most,
a current team for every federation (some incomplete, some overdue), the city's training of district
cadres and the conditions of every district — inserted in bulk, a few statements per thousand rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from fuqing.building.models import (
    Attendance,
    DemoLevel,
    Election,
    GroupKind,
    HomeActivity,
    HomeFunction,
    HomeSetting,
    TeamMember,
    TeamRole,
    TrainingLevel,
    TrainingSession,
    WomensGroup,
    WomensHome,
    WorkCondition,
)
from fuqing.building.services.elections import add_years
from fuqing.core.synth import SynthContext, register_step, woman_name
from fuqing.orgs.models import Org, OrgKind

YEAR = 2014
BATCH = 2000
FUNCTIONS = [HomeFunction.EDUCATION, HomeFunction.DELIBERATION, HomeFunction.SERVICE]


def _bulk(model, rows: list) -> int:
    model.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


@register_step("building", order=85)
def synth_building(ctx: SynthContext) -> None:
    rng = ctx.rng
    units = list(
        Org.objects.filter(
            kind__in=[OrgKind.PROVINCE, OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.COMMUNITY],
            is_active=True,
        )
        .only("id", "path", "depth", "kind", "name")
        .order_by("path")
    )
    if not units:
        ctx.log("  no tree: building skipped")
        return
    by_path = {u.path: u for u in units}
    settings = {s.code: s for s in HomeSetting.objects.all()}
    with transaction.atomic():
        homes = _homes(units, by_path, settings, rng)
        ctx.log(f"  {homes} Women's Homes")
        groups = _groups(units, by_path, rng)
        ctx.log(f"  {groups} women's groups")
        teams = _teams(units, rng)
        ctx.log(f"  {teams} current teams")
        trained = _training(units, rng)
        ctx.log(f"  {trained} attendances")
        conditions = _conditions(units, rng)
        ctx.log(f"  {conditions} work conditions")
    ctx.made["homes"] = homes


def _village(org, by_path) -> bool:
    township = by_path.get(org.path[: -Org.steplen])
    return township is not None and not township.name.endswith("街道")


def _homes(units, by_path, settings, rng) -> int:
    homes = []
    for org in units:
        if org.kind != OrgKind.COMMUNITY:
            continue
        village = _village(org, by_path)
        roll = rng.random()
        homes.append(
            WomensHome(
                org=org,
                name=f"{org.name}妇女之家",
                address=f"{org.name}{'村委会' if village else '社区服务中心'}",
                setting=settings["village" if village else "community"],
                founded_on=datetime.date(rng.randint(2009, 2014), rng.randint(1, 3), rng.randint(1, 28)),
                demo_level=DemoLevel.PROVINCE
                if roll < 0.005
                else DemoLevel.CITY
                if roll < 0.03
                else DemoLevel.DISTRICT
                if roll < 0.1
                else DemoLevel.NONE,
                functions=FUNCTIONS if roll < 0.5 else FUNCTIONS[:2],
                keeper=woman_name(rng),
                hours="周一至周五 8:30—16:30",
            )
        )
    for org in units:  # the new fields: one Home in some townships' enterprises and buildings
        if org.kind == OrgKind.TOWNSHIP and rng.random() < 0.3:
            code = "enterprise" if rng.random() < 0.6 else "office_building"
            homes.append(
                WomensHome(
                    org=org,
                    name=f"{org.name}{settings[code].name}妇女之家",
                    address=org.name,
                    setting=settings[code],
                    founded_on=datetime.date(2013, rng.randint(1, 12), 1),
                    functions=FUNCTIONS[2:],
                )
            )
    _bulk(WomensHome, homes)
    activities = []
    for pk in WomensHome.objects.values_list("pk", flat=True).iterator(chunk_size=BATCH):
        if rng.random() < 0.15:  # idle: nothing since the winter
            activities.append(
                HomeActivity(home_id=pk, held_on=datetime.date(YEAR, 1, 15), year=YEAR, theme="新春联谊")
            )
            continue
        for month in rng.sample(range(4, 9), 2):
            activities.append(
                HomeActivity(
                    home_id=pk,
                    held_on=datetime.date(YEAR, month, rng.randint(1, 28)),
                    year=YEAR,
                    theme="妇女需求调研座谈" if month == 4 else "政策宣讲",
                    attendance=rng.randint(10, 60),
                )
            )
        if len(activities) >= 20000:
            _bulk(HomeActivity, activities)
            activities = []
    _bulk(HomeActivity, activities)
    return len(homes)


def _groups(units, by_path, rng) -> int:
    groups = []
    for org in units:
        if org.kind != OrgKind.COMMUNITY or rng.random() > 0.7:
            continue
        village = _village(org, by_path)
        groups.append(
            WomensGroup(
                org=org,
                name=f"{org.name}{'一屯' if village else '1号楼'}妇女小组",
                kind=GroupKind.NATURAL_VILLAGE if village else GroupKind.BUILDING,
                place="一屯" if village else "1号楼",
                founded_on=datetime.date(2013, 5, 1),
            )
        )
    for org in units:
        if org.kind == OrgKind.DISTRICT:
            groups.append(
                WomensGroup(
                    org=org, name=f"{org.name}巾帼志愿者协会", kind=GroupKind.CONCERN, place="全区志愿者"
                )
            )
    return _bulk(WomensGroup, groups)


def _teams(units, rng) -> int:
    elections = []
    for org in units:
        community = org.kind == OrgKind.COMMUNITY
        term = 3 if community else 5
        held_on = datetime.date(
            rng.choice([2010, 2011, 2012, 2013]) if community else rng.choice([2010, 2011, 2012]), 6, 15
        )
        elections.append(
            Election(org=org, held_on=held_on, term_years=term, next_due=add_years(held_on, term))
        )
    _bulk(Election, elections)
    members = []
    for election_id, kind in Election.objects.values_list("pk", "org__kind").iterator(chunk_size=BATCH):
        if rng.random() > 0.03:
            members.append(TeamMember(election_id=election_id, role=TeamRole.CHAIR, name=woman_name(rng)))
        if kind != OrgKind.COMMUNITY and rng.random() > 0.1:
            members.append(TeamMember(election_id=election_id, role=TeamRole.VICE_FULL, name=woman_name(rng)))
        members.append(TeamMember(election_id=election_id, role=TeamRole.VICE_PART, name=woman_name(rng)))
        if len(members) >= 20000:
            _bulk(TeamMember, members)
            members = []
    _bulk(TeamMember, members)
    return len(elections)


def _training(units, rng) -> int:
    made = 0
    cities = [u for u in units if u.kind == OrgKind.CITY]
    for city in cities:
        session = TrainingSession.objects.create(
            org=city,
            year=YEAR,
            held_on=datetime.date(YEAR, 4, 16),
            place=f"{city.name}会议室",
            level=TrainingLevel.DISTRICT,
            topic="区县(市)妇联干部业务培训",
            hours=Decimal("6"),
        )
        districts = [u for u in units if u.kind == OrgKind.DISTRICT and u.path.startswith(city.path)]
        rows = [
            Attendance(session=session, org=d, name=woman_name(rng), position="副主席", hours=Decimal("6"))
            for d in districts
            if rng.random() < 0.9
        ]
        made += _bulk(Attendance, rows)
    return made


def _conditions(units, rng) -> int:
    rows = []
    for org in units:
        if org.kind not in (OrgKind.DISTRICT, OrgKind.TOWNSHIP):
            continue
        lacking = rng.random() < 0.2
        rows.append(
            WorkCondition(
                org=org,
                year=YEAR,
                funding=Decimal(0 if lacking else rng.randint(2, 20) * 5000),
                venue="" if lacking else "妇女儿童活动中心",
                full_time_staff=0 if lacking else rng.randint(1, 4),
            )
        )
    return _bulk(WorkCondition, rows)
