"""Demo records of research: 2014 topics (one district missing), a dozen reports in every state, the
Qiushi Cup with judges and some scores, and a book ready to generate. Everything goes through the
services, as the people of the demo federation would have done it; dates are then set back to 2014."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from fuqing.assistance.models import Need
from fuqing.core.loaders import register_demo_step
from fuqing.core.scoping import subtree_q
from fuqing.fieldwork.models import Visit
from fuqing.orgs.models import Org, OrgKind, Position, Rank, Role, User
from fuqing.research.demo_texts import DISTRICT_TOPIC, REPORTS, TOPICS
from fuqing.research.models import Report, ReportEvent, Topic
from fuqing.research.services import books as book_services
from fuqing.research.services import cup as cup_services
from fuqing.research.services import reports as report_services
from fuqing.research.services import topics as topic_services

YEAR = 2014
CITY_VICE_CHAIRS = [("陈玉兰", Position.VICE_CHAIR_FULL), ("刘桂芝", Position.VICE_CHAIR_PART)]
CHAIR_NAMES = itertools.cycle("赵淑华 孙丽娟 周红梅 吴秀云 郑玉洁 冯春燕 褚美玲 卫桂香 蒋晓霞 沈丽萍".split())


def _user(org: Org, name: str, position: str, role: str, rank: str = Rank.DIVISION) -> User:
    """A demo person who never logs in (no usable password): a leader named on topics, a judge …"""
    user = User(
        username=f"demo_{org.pk}_{position}_{User.objects.count()}",
        name=name,
        org=org,
        position=position,
        rank=rank,
    )
    user.set_unusable_password()
    user.save()
    user.roles.set(Role.objects.filter(code=role))
    return user


def _leader(org: Org, position: str, name: str) -> User:
    return User.objects.filter(org=org, position=position, is_active=True).first() or _user(
        org, name, position, "leader"
    )


def _unit_author(org: Org) -> User:
    """Someone of the unit who may write and submit its reports."""
    for user in User.objects.filter(org=org, is_active=True).order_by("id"):
        if user.has_module_perm("research", "edit"):
            return user
    position = Position.DEPARTMENT_HEAD if org.kind == OrgKind.DEPARTMENT else Position.CHAIR
    return _user(org, next(CHAIR_NAMES), position, "cadre" if org.kind == OrgKind.DEPARTMENT else "leader")


def _at(month: int, day: int, hour: int = 10):
    return timezone.make_aware(datetime.datetime(YEAR, month, day, hour))


@register_demo_step(400)
def load_research_demo(summary: dict) -> None:
    city = Org.objects.get(depth=1, kind=OrgKind.CITY, name="哈尔滨市妇联")
    units = {o.name: o for o in Org.objects.filter(subtree_q(city.path)).exclude(kind=OrgKind.COMMUNITY)}
    chair = _leader(city, Position.CHAIR, "王淑珍")
    vice = [_leader(city, position, name) for name, position in CITY_VICE_CHAIRS]
    city_leaders = [chair, *vice]
    research = User.objects.get(username="research")

    # RES-1: every department sets a topic led by the chair or a vice-chair; every district but one sets one.
    for index, (department, (title, description)) in enumerate(TOPICS.items()):
        org = units[department]
        topic_services.create_topic(
            _unit_author(org),
            org=org,
            year=YEAR,
            title=title,
            description=description,
            leader=city_leaders[index % len(city_leaders)],
            members="",
        )
    districts = [o for o in units.values() if o.kind == OrgKind.DISTRICT]
    for org in sorted(districts, key=lambda o: o.path):
        if org.name == "呼兰区妇联":
            continue  # the missing topic the check flags
        district_chair = _leader(org, Position.CHAIR, next(CHAIR_NAMES))
        topic_services.create_topic(
            _unit_author(org),
            org=org,
            year=YEAR,
            leader=district_chair,
            title=DISTRICT_TOPIC.format(place=org.name.removesuffix("妇联")),
            members="",
        )

    # RES-2/3: a dozen reports, each taken as far as its unit and reviewers took it.
    made = []
    for number, (unit, title, authors, situation, analysis, recs, status, comment) in enumerate(REPORTS):
        org = units[unit]
        author = _unit_author(org)
        topic = Topic.objects.filter(org=org, year=YEAR).first()
        report = report_services.create_report(
            author,
            org=org,
            year=YEAR,
            topic=topic,
            title=title,
            authors=authors,
            situation=situation,
            analysis=analysis,
            recommendations=recs,
        )
        _link_evidence(author, report)
        reviewer = (
            chair
            if org.depth == 2
            else _leader(Org.objects.get(path=org.path[:-4]), Position.CHAIR, next(CHAIR_NAMES))
        )
        steps = {
            "submitted": ["submit"],
            "reviewed": ["submit", "review"],
            "recommended": ["submit", "review", "recommend"],
        }
        for action in steps.get(status, []):
            actor = {"submit": author, "review": reviewer, "recommend": research}[action]
            report_services.transition(actor, report, action, "同意。" if action == "review" else "")
        if comment:  # sent back once, now a draft again
            report_services.transition(author, report, "submit")
            report_services.transition(reviewer, report, "return", comment)
        _back_to_2014(report, number)
        made.append(report)

    # RES-4: the Qiushi Cup of the research office, judges from the city's leadership and the office.
    competition = cup_services.create_competition(
        research,
        org=research.org,
        year=YEAR,
        name="“求实杯”调研成果评选",
        first_prizes=1,
        second_prizes=2,
        third_prizes=3,
        excellence_prizes=3,
    )
    for judge in (chair, vice[0], research):
        cup_services.add_judge(research, competition, judge)
    entered = [r.pk for r in made if Report.objects.get(pk=r.pk).status != "draft"]
    cup_services.add_entries(research, competition, entered)
    criteria = list(competition.criteria.all())
    base = itertools.cycle([92, 88, 85, 90, 78, 83, 86, 80, 75, 89])
    for judge in competition.judges.select_related("user__org"):
        entries = cup_services.entries_for_judge(judge)
        if judge.user == vice[0]:
            entries = entries[: len(entries) // 2]  # still scoring: the ranking is live, not yet published
        for entry in entries:
            mark = next(base)
            values = {c.pk: Decimal(min(100, mark + (i % 3) * 2 - 2)) for i, c in enumerate(criteria)}
            cup_services.score(
                judge.user, entry, values, "选题贴近妇女需求，数据翔实。" if mark >= 88 else ""
            )

    # RES-5: a book of the reviewed and recommended reports, ready to generate.
    chosen = [
        r.pk
        for r in Report.objects.filter(pk__in=[r.pk for r in made], status__in=("reviewed", "recommended"))
    ]
    book_services.save_book(
        research,
        None,
        org=research.org,
        year=YEAR,
        report_ids=chosen,
        title="2014年“下基层、访妇情、办实事”活动调研成果汇编",
        issuer="哈尔滨市妇联研究室",
        issued_on=datetime.date(YEAR, 9, 10),
    )
    summary["research"] = {
        "topics": Topic.objects.filter(year=YEAR).count(),
        "reports": len(made),
        "entries": len(entered),
        "events": ReportEvent.objects.count(),
    }


def _link_evidence(author, report) -> None:
    """Up to five of the unit's 2014 visits and needs, where the other registers' demos made some."""

    span = {"gte": datetime.date(YEAR, 1, 1), "lt": datetime.date(YEAR + 1, 1, 1)}
    visits = (
        Visit.objects.visible_to(author)
        .in_subtree(report.org)
        .filter(started_on__gte=span["gte"], started_on__lt=span["lt"])
        .values_list("pk", flat=True)[:5]
    )
    needs = (
        Need.objects.visible_to(author)
        .in_subtree(report.org)
        .filter(reported_on__gte=span["gte"], reported_on__lt=span["lt"])
        .values_list("pk", flat=True)[:5]
    )
    if visits or needs:
        report_services.set_evidence(author, report, visits=list(visits), needs=list(needs))


def _back_to_2014(report, number: int) -> None:
    """The demo happened in 2014: written in June, submitted late August, reviewed and recommended in
    September (the notice's calendar)."""

    day = 1 + number
    moments = {
        "created": _at(6, day),
        "updated": _at(6, day, 15),
        "evidence": _at(6, day, 16),
        "submitted": _at(8, 16 + number % 12),
        "returned": _at(8, 29),
        "reviewed": _at(9, 2 + number % 5),
        "recommended": _at(9, 15),
        "commented": _at(9, 1),
        "withdrawn": _at(8, 28),
    }
    for event in ReportEvent.objects.filter(report=report):
        ReportEvent.objects.filter(pk=event.pk).update(at=moments.get(event.kind, _at(6, day)))
    report.refresh_from_db()
    Report.objects.filter(pk=report.pk).update(
        created_at=moments["created"],
        submitted_at=moments["submitted"] if report.submitted_at else None,
        reviewed_at=moments["reviewed"] if report.reviewed_at else None,
        recommended_at=moments["recommended"] if report.recommended_at else None,
        figures_as_of=moments["submitted"] if report.figures_as_of else None,  # taken on submission
    )
