"""The demo's 2013 (RPT-1: "this year against last year"): a modest year before the notice's 2014 so that
every dashboard figure has something to compare with — the 2013 campaign and its summaries (some on time,
some late), visits of the same leaders, needs in every district (most resolved), the 2013 jobs project
split among the districts with its monthly progress, a few research reports, and the 2013 assessment
under the same items as 2014, published (so the rank has a last year too).

Runs after every other demo step (order 650): the 2014 records, the 2014 scheme and its publication are
left exactly as they were. Everything goes through the apps' services; only the timestamps of the
campaign's documents are set to the 2013 calendar.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from fuqing.core.loaders import register_demo_step
from fuqing.core.scoping import subtree_q
from fuqing.orgs.models import Org, OrgKind, User

YEAR = 2013
TZ = ZoneInfo("Asia/Shanghai")
NEEDS = [
    ("employment", "希望社区提供就业岗位和家政培训"),
    ("health", "希望增加“两癌”免费筛查名额"),
    ("education", "留守儿童假期无人看护"),
    ("startup-loans", "小额贷款额度低、手续繁琐"),
    ("elderly-care", "独居老人需要定期探望"),
    ("housing", "泥草房冬季漏风，申请改造"),
]
NOTES = [
    "走访困难妇女家庭，了解生活和就业情况。",
    "召开社区妇女座谈会，听取意见建议。",
    "入户了解留守妇女的实际困难。",
]
REPORTS = [
    ("南岗区妇联", "南岗区城市失业妇女再就业情况调查"),
    ("道外区妇联", "道外区留守儿童关爱服务调研"),
    ("香坊区妇联", "香坊区农村妇女创业贷款需求调查"),
]


def _docx(title: str) -> SimpleUploadedFile:
    import io

    from docx import Document

    document = Document()
    document.add_heading(title, level=1)
    document.add_paragraph("（演示数据）本单位2013年活动情况报告。")
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(f"{title}.docx", buffer.getvalue())


@register_demo_step(650)
def load_last_year(summary: dict) -> None:
    city = Org.objects.filter(depth=1, kind=OrgKind.CITY, name="哈尔滨市妇联").first()
    chair = User.objects.filter(username="city").first()
    if city is None or chair is None:
        return
    rng = random.Random(YEAR)
    districts = list(Org.objects.filter(subtree_q(city.path), kind=OrgKind.DISTRICT).order_by("path"))
    made = {
        "obligations": _campaign(city, rng),
        "visits": _visits(rng),
        "needs": _needs(districts, rng),
        "progress": _project(city, districts, rng),
        "reports": _reports(districts),
    }
    made["sheets"] = _assessment(city, chair, districts, rng)
    summary["last_year"] = made


def _campaign(city: Org, rng: random.Random) -> int:
    """The 2013 campaign with the default calendar; three units in four submit, most on time."""
    from fuqing.campaigns.models import Obligation
    from fuqing.campaigns.services import create_campaign
    from fuqing.campaigns.submissions import submit_document

    campaign = create_campaign(
        None, org=city, year=YEAR, starts_on=datetime.date(YEAR, 4, 1), ends_on=datetime.date(YEAR, 8, 31)
    )
    submitted = 0
    owed = Obligation.objects.filter(deadline__campaign=campaign, is_owed=True).select_related(
        "deadline", "org"
    )
    for obligation in owed.order_by("deadline__due_on", "org__path"):
        draw = rng.random()
        if draw < 0.25:
            continue
        offset = rng.randint(1, 10) if draw < 0.45 else -rng.randint(0, 5)
        at = datetime.datetime.combine(
            obligation.deadline.due_on + datetime.timedelta(days=offset), datetime.time(15, 0), TZ
        )
        submit_document(
            None, obligation, _docx(f"{obligation.org.name}{YEAR}年{obligation.deadline.name}"), at=at
        )
        submitted += 1
    return submitted


def _visits(rng: random.Random) -> int:
    """Visits of the demo's leaders in 2013 (fewer than in 2014, when the notice asked for more)."""
    from fuqing.fieldwork import services
    from fuqing.fieldwork.models import VisitMethod

    users = {
        u.username: u
        for u in User.objects.select_related("org").filter(username__in=["city", "daoli", "nangang"])
    }
    made = 0
    for _username, user in sorted(users.items()):
        places = list(
            Org.objects.filter(subtree_q(user.org.path), kind=OrgKind.COMMUNITY).order_by("path")[:20]
        )
        if not places:
            continue
        for _n in range(5):
            started = datetime.date(YEAR, rng.choice([4, 5, 6, 7]), rng.randint(1, 28))
            services.save_visit(
                user,
                None,
                services.VisitData(
                    org=user.org,
                    started_on=started,
                    ended_on=started + datetime.timedelta(days=rng.choice([0, 0, 1])),
                    method=rng.choice([VisitMethod.HOME_VISIT, VisitMethod.FORUM, VisitMethod.INTERVIEW]),
                    place=rng.choice(places),
                    lead=user,
                    women_met=rng.randint(6, 25),
                    notes=rng.choice(NOTES),
                    year=YEAR,
                ),
            )
            made += 1
    return made


def _needs(districts: list[Org], rng: random.Random) -> int:
    """A few needs in every district's communities; about three in four resolved, some after review."""
    from fuqing.assistance import services
    from fuqing.assistance.models import NeedCategory

    categories = {c.code: c for c in NeedCategory.objects.all()}
    made = 0
    for district in districts:
        communities = list(
            Org.objects.filter(subtree_q(district.path), kind=OrgKind.COMMUNITY).order_by("path")[:10]
        )
        if not communities:
            continue
        for index in range(rng.randint(1, 4)):
            code, text = NEEDS[(index + made) % len(NEEDS)]
            reported = datetime.date(YEAR, rng.randint(4, 8), rng.randint(1, 28))
            need = services.create_need(
                None,
                org=communities[index % len(communities)],
                description=text,
                reported_on=reported,
                category=categories.get(code),
                source="forum",
                group_description="座谈会参会妇女",
                group_size=rng.randint(6, 20),
                review_on=reported + datetime.timedelta(days=30),
            )
            made += 1
            if rng.random() < 0.75:
                services.resolve_need(
                    None, need, note="已协调解决", on=reported + datetime.timedelta(days=rng.randint(5, 45))
                )
    return made


def _project(city: Org, districts: list[Org], rng: random.Random) -> int:
    """The 2013 春风送岗位: jobs split among the districts, monthly progress April–August 2013."""
    from fuqing.campaigns.models import Campaign
    from fuqing.projects import services
    from fuqing.projects.models import ProgressEntry, Source, Unit

    campaign = Campaign.objects.get(org=city, year=YEAR)
    project = services.create_project(None, org=city, campaign=campaign, name="春风送岗位", sort=10)
    indicator = services.add_indicator(
        None, project, name="提供就业岗位", unit=Unit.ITEM, target=18000, source=Source.REPORTED, sort=10
    )
    step = 10
    base = (18000 // len(districts)) // step * step
    parts = {d.pk: base for d in districts}
    parts[districts[0].pk] += 18000 - base * len(districts)
    services.save_split(None, indicator, city, parts, issue=True)
    entries = []
    for district in districts:
        achieved = parts[district.pk] * rng.uniform(0.7, 1.1)
        for month, share in zip(range(4, 9), (0.15, 0.2, 0.2, 0.2, 0.25), strict=True):
            entries.append(
                ProgressEntry(
                    indicator=indicator,
                    org=district,
                    year=YEAR,
                    month=datetime.date(YEAR, month, 1),
                    value=Decimal(round(achieved * share)),
                )
            )
    ProgressEntry.objects.bulk_create(entries)
    return len(entries)


def _reports(districts: list[Org]) -> int:
    """A few 2013 research reports, submitted."""
    from fuqing.research.services import reports

    by_name = {d.name: d for d in districts}
    made = 0
    for name, title in REPORTS:
        org = by_name.get(name)
        author = User.objects.filter(org=org, is_active=True).order_by("pk").first() if org else None
        if author is None or not author.has_module_perm("research", "edit"):
            continue
        report = reports.create_report(
            author,
            org=org,
            year=YEAR,
            title=title,
            authors=author.display_name,
            situation="（演示数据）2013年调研情况。",
            analysis="（演示数据）问题分析。",
            recommendations="（演示数据）对策建议。",
        )
        reports.transition(author, report, "submit")  # 2014's reviews and book stay 2014's
        made += 1
    return made


def _assessment(city: Org, chair: User, districts: list[Org], rng: random.Random) -> int:
    """The 2013 assessment under the 2014 scheme's items (copied back a year), inspected items scored,
    published: each district has a rank last year."""
    from fuqing.oversight.models import ItemKind, Scheme
    from fuqing.oversight.services import inspectors, schemes, scoring

    model = Scheme.objects.filter(org=city, year=YEAR + 1).first()
    if model is None:
        return 0
    scheme = schemes.copy_scheme(chair, model, YEAR)  # last year's scheme had this year's items
    inspector = User.objects.filter(username="inspector").first()
    if inspector is not None:
        for district in districts:
            inspectors.assign(chair, scheme, inspector, district)
    for inspected in scheme.items.filter(kind=ItemKind.INSPECTED):
        for district in districts if inspector is not None else []:
            inspectors.score(
                inspector,
                inspected,
                district,
                points=min(inspected.weight, Decimal(rng.choice([2.5, 3, 3.5, 4]))),
                comment="（演示数据）活动有部署、有检查。",
                evidence_note="查阅2013年活动记录",
            )
    return scoring.publish(chair, scheme)
