"""Synthetic research data (``manage.py synth``): topics of every department and district, hundreds of
reports in every state with their history, and each city's Qiushi Cup with judges and scores — in bulk."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from fuqing.core.synth import SynthContext, register_step
from fuqing.orgs.models import Org, OrgKind, Position, User
from fuqing.research.models import (
    Competition,
    Criterion,
    Entry,
    Judge,
    Report,
    ReportEvent,
    Score,
    ScoreSheet,
    Topic,
)
from fuqing.research.rules import TOPIC_CITY_LEADERS, judge_conflict
from fuqing.research.services.cup import DEFAULT_CRITERIA

YEAR = 2014
SUBJECTS = [
    ("失地妇女", "就业", "征地拆迁后失去土地，多从事零工和家政，收入不稳定"),
    ("留守妇女", "生产生活", "丈夫外出务工，独自承担农业生产和照料老人孩子"),
    ("单亲贫困母亲", "家庭困难", "收入来源单一，子女教育和住房支出压力大"),
    ("高龄空巢妇女", "养老服务", "独居比例高，看病就医和日常照料缺少帮手"),
    ("农村妇女", "“两癌”筛查", "对“两癌”危害认识不足，基层检查能力有限"),
    ("失业妇女", "再就业培训", "年龄偏大、技能单一，培训与就业推荐衔接不够"),
    ("流动妇女", "社区服务", "子女入学、医疗报销和参加社区活动存在困难"),
    ("创业妇女", "小额担保贷款", "反担保要求高，贷款额度和期限不适应项目需要"),
]
STATUSES = [("draft", 20), ("submitted", 35), ("reviewed", 30), ("recommended", 15)]


def _report_texts(rng, place: str, subject: tuple[str, str, str]) -> dict:
    group, theme, finding = subject
    visits, women = rng.randint(8, 40), rng.randint(60, 400)
    return {
        "title": f"关于{place}{group}{theme}情况的调研报告",
        "situation": (
            f"{YEAR}年4月“妇女需求调研月”期间，{place}妇联班子成员带队深入{visits}个村（社区），"
            f"采取入户走访、座谈交流和问卷调查等方式，了解{group}的{theme}状况，共接触妇女{women}人。\n"
            f"（一）基本情况\n本年度共开展走访{{{{figure:visit_count}}}}。\n{{{{figure:women_visited_by_group}}}}"
        ),
        "analysis": (
            f"（一）主要问题\n{group}{finding}。\n（二）原因分析\n相关政策宣传不到位，服务资源向基层延伸不够。\n"
            "{{figure:needs_by_status}}"
        ),
        "recommendations": (
            f"一是将{group}纳入重点帮扶对象，建立信息台账；\n二是依托“妇女之家”开展有针对性的服务；\n"
            "三是通过信息报送和“两会”提案推动出台相关政策。"
        ),
    }


def _pick_status(rng) -> str:
    roll, running = rng.randint(1, 100), 0
    for status, weight in STATUSES:
        running += weight
        if roll <= running:
            return status
    return "draft"


@register_step("research", order=80)
def synth_research(ctx: SynthContext) -> None:
    rng = ctx.rng
    orgs = {
        o.path: o for o in Org.objects.filter(kind__in=(OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.DISTRICT))
    }
    cities = [o for o in orgs.values() if o.kind == OrgKind.CITY]
    units = [
        o
        for o in orgs.values()
        if o.kind == OrgKind.DISTRICT
        or (o.kind == OrgKind.DEPARTMENT and orgs.get(o.path[:-4], o).kind == OrgKind.CITY)
    ]
    people = defaultdict(list)
    for user in User.objects.filter(
        org__kind__in=(OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.DISTRICT), is_active=True
    ).only("id", "org_id", "position", "name"):
        people[user.org_id].append(user)
    now = timezone.now()

    topics = []
    for unit in units:
        city = orgs.get(unit.path[:-4])
        if unit.kind == OrgKind.DEPARTMENT:
            leaders = [u for u in people[city.pk] if u.position in TOPIC_CITY_LEADERS]
            count = 2 if rng.random() < 0.2 else 1
        else:
            chairs = [u for u in people[unit.pk] if u.position == Position.CHAIR]
            vices = [
                u
                for u in people[unit.pk]
                if u.position in TOPIC_CITY_LEADERS and u.position != Position.CHAIR
            ]
            leaders = vices if (rng.random() < 0.03 and vices) else chairs  # a few wrongly led
            roll = rng.random()
            count = 0 if roll < 0.05 else 2 if roll > 0.98 else 1  # a few missing, a few extra
        for n in range(count if leaders else 0):
            subject = rng.choice(SUBJECTS)
            topics.append(
                Topic(
                    org=unit,
                    year=YEAR,
                    leader=rng.choice(leaders),
                    created_at=now,
                    updated_at=now,
                    title=f"{unit.name.removesuffix('妇联')}{subject[0]}{subject[1]}问题研究"
                    + ("（二）" if n else ""),
                )
            )
    Topic.objects.bulk_create(topics, batch_size=2000)
    topic_of = {t.org_id: t for t in topics}

    reports, plans = [], []
    for unit in units:
        authors = people[unit.pk]
        if not authors:
            continue
        city = orgs[unit.path[:-4]]
        count = rng.randint(1, 4) if unit.kind == OrgKind.DISTRICT else rng.randint(0, 2)
        for _n in range(count):
            status = _pick_status(rng)
            place = unit.name.removesuffix("妇联")
            texts = _report_texts(rng, place, rng.choice(SUBJECTS))
            submitted = timezone.make_aware(datetime.datetime(YEAR, 8, rng.randint(1, 30), 10))
            reports.append(
                Report(
                    org=unit,
                    year=YEAR,
                    status=status,
                    topic=topic_of.get(unit.pk),
                    authors=rng.choice(authors).name,
                    created_by=rng.choice(authors),
                    created_at=now,
                    updated_at=now,
                    submitted_at=submitted if status != "draft" else None,
                    reviewed_at=submitted + datetime.timedelta(days=10)
                    if status in ("reviewed", "recommended")
                    else None,
                    recommended_at=submitted + datetime.timedelta(days=20)
                    if status == "recommended"
                    else None,
                    **texts,
                )
            )
            plans.append((rng.choice(authors), [u for u in people[city.pk] if u.position == Position.CHAIR]))
    Report.objects.bulk_create(reports, batch_size=500)

    events = []
    for report, (author, reviewers) in zip(reports, plans, strict=True):
        events.append(
            ReportEvent(
                report=report,
                kind="created",
                actor=author,
                actor_name=author.name,
                to_status="draft",
                at=report.created_at,
            )
        )
        steps = [
            ("submitted", "draft", "submitted", report.submitted_at),
            ("reviewed", "submitted", "reviewed", report.reviewed_at),
            ("recommended", "reviewed", "recommended", report.recommended_at),
        ]
        for kind, source, target, at in steps:
            if at is None:
                break
            actor = author if kind == "submitted" else (reviewers[0] if reviewers else author)
            events.append(
                ReportEvent(
                    report=report,
                    kind=kind,
                    actor=actor,
                    actor_name=actor.name,
                    from_status=source,
                    to_status=target,
                    at=at,
                )
            )
    ReportEvent.objects.bulk_create(events, batch_size=2000)

    entries_made = sheets_made = 0
    for city in cities:
        office = next(
            (
                o
                for o in orgs.values()
                if o.kind == OrgKind.DEPARTMENT and o.path[:-4] == city.path and o.name == "研究室"
            ),
            None,
        )
        judges = [u for u in people[city.pk] if u.position in TOPIC_CITY_LEADERS]
        if office is None or not judges:
            continue
        competition = Competition.objects.create(
            org=office, year=YEAR, name="“求实杯”调研成果评选", created_at=now
        )
        criteria = Criterion.objects.bulk_create(
            Criterion(competition=competition, name=n, weight=w, position=i)
            for i, (n, w) in enumerate(DEFAULT_CRITERIA)
        )
        judge_rows = Judge.objects.bulk_create(Judge(competition=competition, user=u) for u in judges)
        city_reports = [r for r in reports if r.status != "draft" and r.org.path.startswith(city.path)][:60]
        codes = rng.sample(range(1000, 10000), len(city_reports))
        entries = Entry.objects.bulk_create(
            Entry(competition=competition, report=r, code=str(c))
            for r, c in zip(city_reports, codes, strict=True)
        )
        sheets, marks = [], []
        for entry in entries:
            for judge in judge_rows:
                if judge_conflict(city, entry.report.org) or rng.random() > 0.7:
                    continue
                sheets.append(ScoreSheet(entry=entry, judge=judge))
                base = rng.randint(65, 95)
                marks.append([Decimal(min(100, base + rng.randint(-5, 5))) for _c in criteria])
        ScoreSheet.objects.bulk_create(sheets, batch_size=2000)
        Score.objects.bulk_create(
            (
                Score(sheet=s, criterion=c, value=v)
                for s, values in zip(sheets, marks, strict=True)
                for c, v in zip(criteria, values, strict=True)
            ),
            batch_size=5000,
        )
        entries_made += len(entries)
        sheets_made += len(sheets)
    ctx.made["reports"] = len(reports)
    ctx.log(
        f"  {len(topics)} topics, {len(reports)} reports, {len(events)} report events, "
        f"{entries_made} Qiushi Cup entries, {sheets_made} score sheets"
    )
