"""Demo records of oversight: the 2014 assessment scheme of the notice (part 四: 督查考核), an inspector
(督查员) assigned to every district who scores the inspected items, the scheme published (so every unit
has its frozen sheet and rank), good cases from the demo's needs, pairings and projects — one promoted by
the city —, publicity items, a practice turned into a rule with its document, and the commendation list
begun by the city's chair. Everything goes through the services."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fuqing.core.loaders import register_demo_step
from fuqing.orgs.models import Org, OrgKind, Position, Rank, Role, User
from fuqing.oversight.models import ItemKind, Rule

YEAR = 2014

# The notice's scheme: what 四.2 "把活动情况纳入领导班子和干部的考核范围" measures, in its own words.
SCHEME_ITEMS = [
    (
        "领导干部下基层调研时间",
        ItemKind.COMPUTED,
        15,
        "oversight.leader_days_rate",
        Rule.PROPORTION,
        1,
        "局、处级干部每年下基层调研时间不少于60天：满60天的干部所占比例",
    ),
    (
        "妇女诉求解决",
        ItemKind.COMPUTED,
        15,
        "oversight.needs_resolved_rate",
        Rule.PROPORTION,
        Decimal("0.8"),
        "当年登记诉求的解决率，达到80%得满分",
    ),
    (
        "诉求办理及时",
        ItemKind.COMPUTED,
        10,
        "oversight.needs_timely_rate",
        Rule.PROPORTION,
        1,
        "在复查日期前办结的诉求所占比例",
    ),
    (
        "实事项目分解目标完成",
        ItemKind.COMPUTED,
        15,
        "oversight.targets_met_rate",
        Rule.PROPORTION,
        1,
        "分解到本单位的实事项目目标的完成比例",
    ),
    (
        "活动总结按时报送",
        ItemKind.COMPUTED,
        10,
        "oversight.submissions_on_time_rate",
        Rule.PROPORTION,
        1,
        "5月10日前报调研月总结、8月30日前报全年总结和优秀调研报告",
    ),
    (
        "重点调研课题",
        ItemKind.COMPUTED,
        5,
        "oversight.topics_set",
        Rule.THRESHOLD,
        1,
        "各区县(市)妇联确定1个重点调研课题，由主席带队",
    ),
    (
        "“妇女之家”覆盖",
        ItemKind.COMPUTED,
        10,
        "building.homes_coverage",
        Rule.PROPORTION,
        100,  # a percentage
        "建有“妇女之家”的村(社区)比例",
    ),
    (
        "妇女小组覆盖",
        ItemKind.COMPUTED,
        5,
        "building.groups_coverage",
        Rule.PROPORTION,
        100,  # a percentage
        "在自然村、居民小区、楼栋建立妇女小组的比例",
    ),
    (
        "班子配齐配强",
        ItemKind.COMPUTED,
        5,
        "building.teams_complete",
        Rule.PROPORTION,
        100,  # a percentage
        "按章程换届、配齐专兼职副主席的妇联比例",
    ),
    (
        "干部培训覆盖",
        ItemKind.COMPUTED,
        5,
        "building.trained_units",
        Rule.PROPORTION,
        100,  # a percentage
        "三级妇联干部地毯式培训的覆盖率",
    ),
    (
        "组织领导与宣传推广",
        ItemKind.INSPECTED,
        5,
        "",
        Rule.PROPORTION,
        None,
        "督查员评分：实施方案、统筹协调、总结推广成功案例、利用各类媒体宣传活动成效",
    ),
]

COMMENTS = [
    "实施方案完整，班子成员分工明确，宣传有专栏。",
    "活动有部署有检查，典型案例总结及时，媒体宣传较多。",
    "组织推动有力，但宣传报道偏少，案例提炼不够。",
    "方案落实较好，联系点工作扎实，需加强成效宣传。",
]
MEDIA = ["哈尔滨日报", "新晚报", "黑龙江妇女网", "哈尔滨电视台", "中国妇女报"]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _inspector(city: Org) -> User:
    """The demo's inspector (督查员), with the demo password of the city's chair."""
    chair = User.objects.get(username="city")
    user, _created = User.objects.get_or_create(
        username="inspector",
        defaults={
            "name": "孙立新",
            "org": city,
            "position": Position.CADRE,
            "rank": Rank.SECTION,
            "password": chair.password,
            "password_changed_at": timezone.now(),
        },
    )
    user.roles.set(Role.objects.filter(code="inspector"))
    return User.objects.get(pk=user.pk)


@register_demo_step(600)
def load_oversight_demo(summary: dict) -> None:
    from fuqing.assistance.models import Need, NeedStatus, Pairing
    from fuqing.oversight.services import cadres, cases, inspectors, schemes, scoring
    from fuqing.projects.models import Project

    rng = random.Random(2014)
    city = Org.objects.get(depth=1, kind=OrgKind.CITY, name="哈尔滨市妇联")
    chair = User.objects.get(username="city")
    inspector = _inspector(city)
    summary.setdefault("users", []).append("inspector")

    scheme = schemes.create_scheme(
        chair,
        org=city,
        year=YEAR,
        name="“下基层、访妇情、办实事”活动督查考核方案",
        notes="依据《关于在全市妇联系统开展“下基层、访妇情、办实事”活动的通知》第四部分“严格督查考核”制定；"
        "考核结果纳入领导班子和干部考核，作为评先树优的重要依据。",
    )
    for position, (name, kind, weight, key, rule, target, description) in enumerate(SCHEME_ITEMS, start=1):
        schemes.add_item(
            chair,
            scheme,
            name=name,
            kind=kind,
            weight=Decimal(weight),
            figure_key=key,
            rule=rule,
            target=target,
            description=description,
            position=position,
        )
    inspected = scheme.items.get(kind=ItemKind.INSPECTED)
    districts = list(Org.objects.filter(kind=OrgKind.DISTRICT, path__startswith=city.path).order_by("path"))
    for district in districts:
        inspectors.assign(chair, scheme, inspector, district)
        inspectors.score(
            inspector,
            inspected,
            district,
            points=Decimal(rng.choice([3, 3.5, 4, 4, 4.5, 5])),
            comment=rng.choice(COMMENTS),
            evidence_note="现场查阅实施方案、活动记录和宣传材料",
        )

    # good cases from the demo's work: a resolved need, a pairing, a project
    daoli = Org.objects.get(name="道里区妇联")
    author = User.objects.get(username="daoli")
    need = (
        Need.objects.filter(status=NeedStatus.RESOLVED, org__path__startswith=daoli.path)
        .order_by("reported_on")
        .first()
    )
    pairing = Pairing.objects.filter(org__path__startswith=daoli.path).order_by("starts_on").first()
    project = Project.objects.filter(year=YEAR, name="妇女小额贷款兴业").first()
    made = []
    stories = [
        (
            "need",
            need,
            "失地妇女再就业：一件诉求办成一条出路",
            "走访中了解到失地妇女再就业难，区妇联协调街道和人社部门开办家政培训班，"
            "组织专场招聘会，帮助她和同村姐妹在社区家政公司就业，月收入稳定在两千元以上。",
        ),
        (
            "pairing",
            pairing,
            "“一帮一”结对：从困难户到致富带头人",
            "区妇联班子成员与困难妇女结成长期帮扶对子，提供政策、信息和小额贷款担保，"
            "帮助她办起手工编织合作社，带动周边二十多名妇女增收。",
        ),
        (
            "project",
            project,
            "小额贷款兴业：让创业妇女贷得到、用得好",
            "区妇联联合银行简化贷款手续，为创业妇女提供贴息贷款和创业培训，"
            "全年新增贷款超过千万元，扶持妇女创业项目一百余个。",
        ),
    ]
    for kind, source, title, story in stories:
        if source is None:
            continue
        made.append(
            cases.create_case(
                author,
                org=daoli,
                year=YEAR,
                title=title,
                story=story,
                source_kind=kind,
                source_id=source.pk,
                evidence_note="走访记录、帮扶台账和照片",
            )
        )
    for case in made:
        cases.submit_case(author, case)
    if made:
        cases.decide_case(chair, made[0], "promote", "在全市推广")
    if len(made) > 1:
        cases.decide_case(chair, made[1], "select", "入选市级典型案例")

    # publicity: the city's and the districts' media work, some covering the cases
    count = 0
    for index, district in enumerate(districts):
        for n in range(rng.randint(0, 3)):
            month = rng.randint(4, 8)
            cases.add_publicity(
                None,
                org=district,
                media=rng.choice(MEDIA),
                published_on=datetime.date(YEAR, month, rng.randint(1, 28)),
                title=f"{district.name}深入开展“下基层、访妇情、办实事”活动（{n + 1}）",
                link=f"http://www.hrbwomen.gov.cn/news/{YEAR}{month:02d}{index:02d}{n}.html",
                case=made[0] if made and district == daoli and n == 0 else None,
                activity="" if made and district == daoli and n == 0 else "下基层、访妇情、办实事",
            )
            count += 1

    # a practice turned into a rule, with its document
    cases.add_practice(
        None,
        org=city,
        title="哈尔滨市妇联领导干部联系点蹲点调研制度",
        document_number="哈妇发〔2014〕18号",
        issued_on=datetime.date(YEAR, 8, 30),
        summary="班子成员和机关各部（室）有固定联系点，每年蹲点调研不少于一周；局、处级干部每年下基层不少于60天。",
        case=made[0] if made else None,
        document=SimpleUploadedFile("联系点蹲点调研制度.pdf", PDF, content_type="application/pdf"),
    )

    # the commendation list begins with the chair's decisions on the city's leaders with the best record
    best = list(cadres.leaders_queryset(chair, city, YEAR).order_by("-days", "pk")[:2])
    for person in best:
        cadres.recommend(
            chair,
            person,
            YEAR,
            recommended=True,
            reason=f"全年下基层{person.days}天，带队走访{person.led_visits}次，牵头调研{person.research_led}项。",
        )

    published = scoring.publish(chair, scheme)
    summary["oversight"] = {
        "items": len(SCHEME_ITEMS),
        "sheets": published,
        "cases": len(made),
        "publicity": count,
    }
