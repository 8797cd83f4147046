"""The demo's livelihood projects: the 2014 set of the notice with its real figures (PRJ-1), targets split
among Harbin's districts and 道里区's streets (PRJ-2), progress April–August 2014 — not all on track
(PRJ-3), beneficiaries from the registry (PRJ-4) and 爱心暖夕阳 pairs (PRJ-5)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from fuqing.campaigns.models import Campaign
from fuqing.core.loaders import register_demo_step
from fuqing.core.scoping import subtree_q
from fuqing.core.synth import woman_name
from fuqing.orgs.models import Org, OrgKind, User
from fuqing.projects import services
from fuqing.projects.models import (
    Beneficiary,
    ElderlyPerson,
    Household,
    Indicator,
    Measure,
    ProgressEntry,
    Project,
    Source,
    Unit,
    Volunteer,
    VolunteerPair,
)
from fuqing.projects.services.volunteers import phone_index
from fuqing.registry.models import Consent, Woman

R, B, P = Source.REPORTED, Source.BENEFICIARIES, Source.VOLUNTEER_PAIRS

# name, lead department, help kinds, indicators: (name, unit, target, source, measure, help kind)
PROJECTS_2014 = [
    (
        "春风送岗位",
        "发展部",
        [],
        [
            ("提供就业岗位", Unit.ITEM, 30000, R, "", ""),
            ("就业技能培训", Unit.PERSON_TIME, 10000, R, "", ""),
        ],
    ),
    ("百万妇女素养提升", "宣传部", [], [("培训妇女", Unit.PERSON_TIME, 5000, R, "", "")]),
    (
        "妇女小额贷款兴业",
        "发展部",
        [],
        [
            ("新增小额贷款", Unit.YUAN, 50000000, R, "", ""),
            ("扶持创业妇女", Unit.PERSON, None, R, "", ""),
        ],
    ),
    (
        "贫困母亲救助",
        "权益部",
        ["泥草房改建", "生活救助"],
        [
            ("泥草房改建", Unit.HOUSEHOLD, None, B, Measure.RECORDS, "泥草房改建"),
            ("生活救助", Unit.PERSON_TIME, None, B, Measure.RECORDS, "生活救助"),
            ("救助资金", Unit.YUAN, None, B, Measure.AMOUNT, ""),
        ],
    ),
    (
        "贫困妇女法律援助",
        "权益部",
        ["法律咨询", "代理诉讼"],
        [
            ("法律援助", Unit.PERSON_TIME, None, B, Measure.RECORDS, ""),
            ("受援妇女", Unit.PERSON, None, B, Measure.WOMEN, ""),
        ],
    ),
    (
        "妇女健康援助",
        "家庭和儿童工作部",
        ["两癌筛查", "两癌救助"],
        [
            ("两癌筛查", Unit.PERSON, None, B, Measure.WOMEN, "两癌筛查"),
            ("两癌救助", Unit.PERSON, None, B, Measure.WOMEN, "两癌救助"),
            ("两癌救助金", Unit.YUAN, None, B, Measure.AMOUNT, "两癌救助"),
        ],
    ),
    (
        "爱心暖夕阳",
        "组织部",
        [],
        [
            ("结对巾帼志愿者", Unit.PERSON, 1000, P, Measure.VOLUNTEERS, ""),
            ("结对空巢老人家庭", Unit.HOUSEHOLD, 1000, P, Measure.HOUSEHOLDS, ""),
        ],
    ),
    (
        "爱心一杯奶",
        "家庭和儿童工作部",
        ["爱心奶"],
        [
            ("受助家庭", Unit.HOUSEHOLD, None, B, Measure.WOMEN, ""),
            ("资助金额", Unit.YUAN, None, B, Measure.AMOUNT, ""),
        ],
    ),
    (
        "慈善助孤",
        "家庭和儿童工作部",
        [],
        [("资助孤儿", Unit.PERSON, None, R, "", ""), ("助孤资金", Unit.YUAN, None, R, "", "")],
    ),
    (
        "春蕾助学",
        "家庭和儿童工作部",
        [],
        [("资助春蕾学生", Unit.PERSON, None, R, "", ""), ("助学金", Unit.YUAN, None, R, "", "")],
    ),
]

# Shares of the city's targets by district (urban districts carry more jobs; sums to 1).
DISTRICT_WEIGHTS = {
    "道里区妇联": 10,
    "南岗区妇联": 11,
    "道外区妇联": 8,
    "平房区妇联": 4,
    "松北区妇联": 4,
    "香坊区妇联": 9,
    "呼兰区妇联": 5,
    "阿城区妇联": 5,
    "双城市妇联": 6,
    "依兰县妇联": 3,
    "方正县妇联": 3,
    "宾县妇联": 4,
    "巴彦县妇联": 4,
    "木兰县妇联": 3,
    "通河县妇联": 3,
    "延寿县妇联": 3,
    "尚志市妇联": 7,
    "五常市妇联": 8,
}
# How each district did by the end of August (share of its target): most on track, some behind, a
# few at risk — the demo should show every status.
PERFORMANCE = {
    "道里区妇联": 1.04,
    "南岗区妇联": 0.97,
    "道外区妇联": 0.84,
    "平房区妇联": 1.1,
    "松北区妇联": 0.62,
    "香坊区妇联": 0.93,
    "呼兰区妇联": 0.78,
    "阿城区妇联": 0.91,
    "双城市妇联": 0.88,
    "依兰县妇联": 0.55,
    "方正县妇联": 0.95,
    "宾县妇联": 1.0,
    "巴彦县妇联": 0.81,
    "木兰县妇联": 0.67,
    "通河县妇联": 0.92,
    "延寿县妇联": 0.99,
    "尚志市妇联": 1.06,
    "五常市妇联": 0.9,
}
MONTH_SHAPE = [0.14, 0.19, 0.22, 0.21, 0.24]  # April … August
MONTHS = [datetime.date(2014, m, 1) for m in range(4, 9)]
# Indicators without a city target still get reported figures (their size per district).
UNTARGETED_SIZES = {
    "扶持创业妇女": 45,
    "资助孤儿": 12,
    "助孤资金": 36000,
    "资助春蕾学生": 30,
    "助学金": 45000,
}


def _split(total: int, weights: dict[str, int], names: list[str], step: int) -> dict[str, int]:
    """Whole parts (multiples of ``step``) proportional to the weights, adding up to ``total``."""
    weight_sum = sum(weights[n] for n in names)
    parts = {n: (total * weights[n] // weight_sum) // step * step for n in names}
    parts[names[0]] += total - sum(parts.values())
    return parts


@register_demo_step(70)
def load_projects(summary: dict) -> None:
    rng = random.Random(2014)
    city = Org.objects.get(depth=1, kind=OrgKind.CITY)
    campaign = Campaign.objects.get(org=city, year=2014)
    departments = {
        o.name: o for o in Org.objects.filter(subtree_q(city.path), kind=OrgKind.DEPARTMENT, depth=2)
    }
    districts = list(Org.objects.filter(subtree_q(city.path), kind=OrgKind.DISTRICT).order_by("path"))
    projects: dict[str, Project] = {}
    indicators: dict[str, Indicator] = {}
    for sort, (name, dept, kinds, rows) in enumerate(PROJECTS_2014, start=1):
        project = services.create_project(
            None,
            org=city,
            campaign=campaign,
            name=name,
            lead_department=departments.get(dept),
            help_kinds=kinds,
            sort=sort * 10,
        )
        projects[name] = project
        for isort, (iname, unit, target, source, measure, kind) in enumerate(rows, start=1):
            indicators[iname] = services.add_indicator(
                None,
                project,
                name=iname,
                unit=unit,
                target=target,
                source=source,
                measure=measure,
                help_kind=kind,
                sort=isort * 10,
            )
    district_targets = _split_targets(indicators, city, districts)
    _progress(indicators, districts, district_targets, rng)
    women = _women(city, rng)
    _beneficiaries(projects, districts, women, rng)
    _pairs(projects["爱心暖夕阳"], districts, district_targets, rng)
    summary["projects"] = len(projects)


def _split_targets(indicators, city, districts) -> dict[tuple[str, str], Decimal]:
    """The city splits its targets among the 18 districts (issued; 素养提升 left as an unbalanced draft),
    and 道里区 splits jobs and training among its streets."""
    names = [d.name for d in districts]
    by_name = {d.name: d for d in districts}
    result: dict[tuple[str, str], Decimal] = {}
    for iname in (
        "提供就业岗位",
        "就业技能培训",
        "培训妇女",
        "新增小额贷款",
        "结对巾帼志愿者",
        "结对空巢老人家庭",
    ):
        indicator = indicators[iname]
        step = 100000 if indicator.unit == Unit.YUAN else 10
        parts = _split(int(indicator.target), DISTRICT_WEIGHTS, names, step)
        draft = iname == "培训妇女"
        if draft:  # the city is still negotiating: two districts short, the split saved as a draft
            parts[names[-1]] -= 120
            parts[names[-2]] -= 80
        services.save_split(
            None, indicator, city, {by_name[n].pk: v for n, v in parts.items()}, issue=not draft
        )
        for n, v in parts.items():
            result[(iname, n)] = Decimal(v)
    daoli = by_name["道里区妇联"]
    streets = list(Org.objects.filter(subtree_q(daoli.path), depth=daoli.depth + 1, kind=OrgKind.TOWNSHIP))
    for iname in ("提供就业岗位", "就业技能培训"):
        whole = int(result[(iname, daoli.name)])
        weights = {s.name: 3 + i for i, s in enumerate(streets)}
        parts = _split(whole, weights, [s.name for s in streets], 10)
        services.save_split(
            None, indicators[iname], daoli, {s.pk: parts[s.name] for s in streets}, issue=True
        )
    return result


STREET_PERFORMANCE = [1.08, 0.93, 0.72]  # 道里区's three streets: ahead, close, behind
STREET_REPORTED = ("提供就业岗位", "就业技能培训")


def _monthly(achieved: float, rng, yuan: bool) -> list[Decimal]:
    values = []
    for share in MONTH_SHAPE:
        value = Decimal(round(achieved * share * rng.uniform(0.85, 1.15)))
        values.append((value / 1000).quantize(Decimal(1)) * 1000 if yuan else value)
    return values


def _progress(indicators, districts, district_targets, rng) -> None:
    """Monthly values April–August 2014 per district, shaped by each district's performance. 道里区's
    jobs and training are reported by its streets (the district's figure is their roll-up); two
    corrections are recorded with their reasons."""
    entries = []
    reported = [i for i in indicators.values() if i.source == Source.REPORTED]
    daoli = next(d for d in districts if d.name == "道里区妇联")
    for district in districts:
        performance = PERFORMANCE.get(district.name, 0.9)
        for indicator in reported:
            if district == daoli and indicator.name in STREET_REPORTED:
                continue
            target = district_targets.get((indicator.name, district.name))
            if target is None:
                size = UNTARGETED_SIZES.get(indicator.name, 10) * DISTRICT_WEIGHTS.get(district.name, 5) / 5
            else:
                size = float(target)
            achieved = size * performance * rng.uniform(0.96, 1.04)
            for month, value in zip(
                MONTHS, _monthly(achieved, rng, indicator.unit == Unit.YUAN), strict=True
            ):
                entries.append(
                    ProgressEntry(indicator=indicator, org=district, year=2014, month=month, value=value)
                )
    streets = list(Org.objects.filter(subtree_q(daoli.path), kind=OrgKind.TOWNSHIP).order_by("path"))
    for name in STREET_REPORTED:
        indicator = indicators[name]
        for street, performance in zip(streets, STREET_PERFORMANCE, strict=False):
            target, _draft = services.target_of(indicator, street)
            achieved = float(target or 0) * performance
            for month, value in zip(MONTHS, _monthly(achieved, rng, False), strict=True):
                entries.append(
                    ProgressEntry(indicator=indicator, org=street, year=2014, month=month, value=value)
                )
    ProgressEntry.objects.bulk_create(entries, batch_size=1000)
    street_cadre = User.objects.filter(username="daoli_street").first()
    jobs = indicators["提供就业岗位"]
    may = datetime.date(2014, 5, 1)
    current = ProgressEntry.objects.get(indicator=jobs, org=streets[0], month=may, superseded_at__isnull=True)
    services.report_progress(
        street_cadre,
        indicator=jobs,
        org=streets[0],
        month=may,
        value=current.value - 40,
        reason="剔除与人社局重复统计的 40 个岗位",
    )
    cadre = User.objects.filter(username="daoli").first()
    loans = indicators["新增小额贷款"]
    june = datetime.date(2014, 6, 1)
    current = ProgressEntry.objects.get(indicator=loans, org=daoli, month=june)
    services.report_progress(
        cadre,
        indicator=loans,
        org=daoli,
        month=june,
        value=current.value + 200000,
        reason="补录道里支行6月下旬发放的贷款",
    )


def _women(city, rng) -> list[Woman]:
    return list(Woman.objects.filter(subtree_q(city.path, "org__path"), status="active")[:600])


def _district_of(org, districts):
    return next(d for d in districts if org.path.startswith(d.path))


def _beneficiaries(projects, districts, women, rng) -> None:
    """Help recorded April–August 2014 by the women's own districts; some women receive several kinds."""
    days = [datetime.date(2014, 4, 1) + datetime.timedelta(days=d) for d in range(153)]
    plan = [
        ("贫困母亲救助", "泥草房改建", 40, (15000, 30000)),
        ("贫困母亲救助", "生活救助", 120, (500, 2000)),
        ("贫困妇女法律援助", "法律咨询", 90, None),
        ("贫困妇女法律援助", "代理诉讼", 25, None),
        ("妇女健康援助", "两癌筛查", 260, None),
        ("妇女健康援助", "两癌救助", 18, (10000, 10000)),
        ("爱心一杯奶", "爱心奶", 60, (600, 600)),
    ]
    orgs = {o.pk: o for o in Org.objects.filter(pk__in={w.org_id for w in women})}
    rows = []
    seen = set()
    for project_name, kind, count, money in plan:
        project = projects[project_name]
        for woman in rng.sample(women, min(count, len(women))):
            day = rng.choice(days)
            key = (woman.pk, project.pk, kind, day)
            if key in seen:
                continue
            seen.add(key)
            district = _district_of(orgs[woman.org_id], districts)
            amount = Decimal(rng.randrange(money[0], money[1] + 1, 100)) if money else None
            rows.append(
                Beneficiary(
                    project=project,
                    help_kind=kind,
                    woman=woman,
                    org=district,
                    year=2014,
                    received_on=day,
                    amount=amount,
                )
            )
    Beneficiary.objects.bulk_create(rows, batch_size=1000)
    _help_consents(rows)


def _help_consents(rows) -> None:
    """Health help and money need her consent to that purpose (SEC-9): the demo's helped women gave it."""
    needed = {
        (r.woman_id, purpose)
        for r in rows
        for purpose in services.help_purposes(r.project, r.help_kind, r.amount)
    }
    have = set(
        Consent.objects.filter(woman_id__in={pk for pk, _ in needed})
        .in_force()
        .values_list("woman_id", "purpose")
    )
    Consent.objects.bulk_create(
        Consent(woman_id=pk, purpose=purpose, notice_version="2014-1", given_on=datetime.date(2014, 4, 1))
        for pk, purpose in sorted(needed - have)
    )


def _pairs(project, districts, district_targets, rng) -> None:
    """Volunteers paired with empty-nest households in each district's communities, in proportion to the
    district's target and performance; the demo volunteer 赵桂兰 has three households."""
    communities: dict[int, list[Org]] = {}
    for community in Org.objects.filter(kind=OrgKind.COMMUNITY).order_by("path"):
        district = next((d for d in districts if community.path.startswith(d.path)), None)
        if district is not None:
            communities.setdefault(district.pk, []).append(community)
    volunteers, households, elders, pairs = [], [], [], []
    streets = ("友谊路", "经纬街", "中央大街", "红旗大街", "学府路", "和平路", "建国街", "光明街")
    demo_user = User.objects.filter(username="volunteer").first()
    elderly_women: dict[int, list[Woman]] = {}
    for woman in Woman.objects.filter(groups__code="elderly-empty-nest", status="active"):
        elderly_women.setdefault(woman.org_id, []).append(woman)
    for district in districts:
        target = int(district_targets[("结对巾帼志愿者", district.name)])
        count = int(target * PERFORMANCE.get(district.name, 0.9) * 0.95)
        places = communities.get(district.pk, [])
        if not places:
            continue
        for n in range(count):
            place = places[n % len(places)]
            phone = f"13{rng.randrange(10**8, 10**9)}"
            volunteer = Volunteer(
                org=place, name=woman_name(rng), phone=phone, phone_index=phone_index(phone)
            )
            household = Household(
                org=place,
                address=f"{place.name}{rng.choice(streets)}{rng.randint(1, 300)}号"
                f"{rng.randint(1, 6)}单元{rng.randint(1, 7)}0{rng.randint(1, 4)}",
                notes=rng.choice(["独居", "老两口，子女在外地", "子女在南方务工", "老伴卧床"]),
            )
            day = datetime.date(2014, 4, 1) + datetime.timedelta(days=int(rng.triangular(0, 152, 40)))
            volunteers.append(volunteer)
            households.append(household)
            pairs.append((volunteer, household, day))
            known = elderly_women.get(place.pk)
            woman = known.pop() if known else None
            elders.append(
                ElderlyPerson(
                    household=household,
                    name=woman.name if woman else woman_name(rng),
                    birth_year=rng.randint(1928, 1944),
                    woman=woman,
                )
            )
    if demo_user is not None:
        own = Volunteer(org=demo_user.org, name=demo_user.name, user=demo_user, notes="演示志愿者账户")
        volunteers.append(own)
        for n in range(3):
            household = Household(
                org=demo_user.org, address=f"{demo_user.org.name}兆麟街{12 + n}号", notes="独居老人"
            )
            households.append(household)
            pairs.append((own, household, datetime.date(2014, 4, 20 + n)))
            elders.append(ElderlyPerson(household=household, name=woman_name(rng), birth_year=1935 + n))
    Volunteer.objects.bulk_create(volunteers, batch_size=1000)
    Household.objects.bulk_create(households, batch_size=1000)
    ElderlyPerson.objects.bulk_create(elders, batch_size=1000)
    VolunteerPair.objects.bulk_create(
        [
            VolunteerPair(project=project, volunteer=v, household=h, org=h.org, year=2014, started_on=d)
            for v, h, d in pairs
        ],
        batch_size=1000,
    )
