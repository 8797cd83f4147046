"""Synthetic needs, pairings and actions for ``manage.py synth`` (province: ~1M needs), with realistic
Chinese descriptions built from templates × places × details, so themes emerge on the hot-issues page.

Keywords are computed with the same extractor as real needs, memoised per distinct body text.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from fuqing.assistance.bulk import insert
from fuqing.assistance.models import Action, Need, NeedCategory, NeedKeyword, Pairing, PairingHelper
from fuqing.assistance.text import extract_keywords
from fuqing.core.synth import SynthContext, register_step
from fuqing.orgs.models import Org, OrgKind, User
from fuqing.projects.models import Project
from fuqing.registry.models import Woman

SCALES = {
    "city": {"needs": 50_000, "pairings": 8_000, "actions": 25_000},
    "province": {"needs": 1_000_000, "pairings": 150_000, "actions": 500_000},
}

# category code -> body templates; {place} and {detail} are filled from the lists below.
TEMPLATES = {
    "employment": [
        "希望在{place}提供灵活就业岗位，{detail}",
        "失业后一直没有找到工作，想参加技能培训再就业，{detail}",
        "公益岗位名额少，{detail}",
        "在{place}打零工收入不稳定，希望推荐就业岗位",
        "想参加家政培训取得证书，{detail}",
    ],
    "income": [
        "家庭收入低，低保申请还没有批下来，{detail}",
        "丈夫患病不能劳动，全家靠{place}的临时救助生活",
        "单亲母亲一人抚养孩子，生活救助不够用，{detail}",
    ],
    "housing": [
        "泥草房年久失修，冬季漏风，申请危房改造，{detail}",
        "住房困难，希望申请公租房，{detail}",
        "{place}棚户区改造迟迟不动工，冬季取暖费负担重",
    ],
    "health": [
        "两癌筛查名额太少，{place}很多妇女没有参加检查",
        "患慢性病长期吃药，医疗救助报销比例低，{detail}",
        "希望{place}定期组织妇科病检查，{detail}",
        "大病救助申请程序复杂，{detail}",
    ],
    "legal-rights": [
        "丈夫长期家庭暴力，希望得到法律援助，{detail}",
        "{place}征地补偿款没有发到妇女本人手里",
        "在{place}务工被拖欠工资，希望帮助维权",
        "离婚后前夫不付抚养费，需要法律咨询",
    ],
    "education": [
        "留守儿童放学后无人看管，希望{place}开办课后托管",
        "孩子上学路远，上学费用高，希望申请春蕾助学",
        "{place}幼儿园太少，入园难，{detail}",
    ],
    "elderly-care": [
        "空巢老人无人照料，希望{place}开展居家养老服务",
        "高龄老人行动不便，希望提供日间照料，{detail}",
        "赡养老人负担重，希望{place}增加养老服务",
    ],
    "marriage-family": [
        "婆媳矛盾激化，希望妇联上门调解婚姻纠纷",
        "夫妻长期分居，离婚纠纷中财产分割有困难，{detail}",
        "家庭矛盾影响孩子，希望提供心理疏导",
    ],
    "startup-loans": [
        "想申请小额贷款开办手工编织合作社，{detail}",
        "返乡创业想做农村电商，希望提供创业培训和贴息贷款",
        "种植养殖需要资金，小额担保贷款额度低，{detail}",
        "创业项目缺少启动资金，{detail}",
    ],
    "other": [
        "希望{place}妇女之家多组织文体活动",
        "希望社区设立妇女议事会，{detail}",
    ],
}
PLACES = ["村里", "镇上", "社区", "县城", "开发区", "附近工厂", "市区", "街道"]
DETAILS = [
    "家里还有老人需要照顾",
    "孩子还小离不开人",
    "缺少启动资金和担保人",
    "去年反映过还没有解决",
    "同村好几户都有同样的困难",
    "丈夫常年在外务工",
    "自己身体也不太好",
    "希望尽快帮助解决",
]
CATEGORY_WEIGHTS = {
    "employment": 24, "income": 12, "housing": 8, "health": 14, "legal-rights": 8,
    "education": 10, "elderly-care": 9, "marriage-family": 5, "startup-loans": 8, "other": 2,
}  # fmt: skip
SOURCES = ["visit"] * 6 + ["questionnaire"] * 2 + ["forum"] * 2 + ["hotline", "letter"]
CHUNK = 50_000
SERVICES = [
    "policy",
    "information",
    "funds",
    "project",
    "legal_aid",
    "health_aid",
    "job_referral",
    "training",
]
PROJECTS = [
    "春风送岗位",
    "妇女小额贷款兴业",
    "贫困母亲救助",
    "贫困妇女法律援助",
    "妇女健康援助",
    "春蕾助学",
    "爱心暖夕阳",
]


def body(rng, code: str) -> str:
    template = rng.choice(TEMPLATES[code])
    return template.format(place=rng.choice(PLACES), detail=rng.choice(DETAILS))


def _day(rng, year: int) -> datetime.date:
    """More needs in April, the needs-survey month."""
    if rng.random() < 0.35:
        return datetime.date(year, 4, rng.randint(1, 30))
    return datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))


@register_step("assistance", order=300)
def synth_assistance(ctx: SynthContext) -> None:
    rng = ctx.rng
    size = SCALES[ctx.scale]
    communities = list(Org.objects.filter(kind=OrgKind.COMMUNITY).values_list("id", flat=True))
    townships = list(Org.objects.filter(kind=OrgKind.TOWNSHIP).values_list("id", flat=True))
    if not communities:
        ctx.log("  assistance: no communities, skipped")
        return
    women = list(Woman.objects.values_list("id", "org_id"))
    if not women:
        ctx.log("  assistance: the registry has no women (run the women step first), skipped")
        return
    cadres = {}
    for user_id, org_id in User.objects.filter(
        org__kind__in=[OrgKind.COMMUNITY, OrgKind.TOWNSHIP]
    ).values_list("id", "org_id"):
        cadres.setdefault(org_id, user_id)
    categories = {c.code: c.id for c in NeedCategory.objects.all()}
    codes = list(CATEGORY_WEIGHTS)
    weights = list(CATEGORY_WEIGHTS.values())
    today = datetime.date(2014, 9, 1)

    needs, keywords, need_refs = [], [], []
    made_needs = made_keywords = 0
    for index in range(size["needs"]):
        code = rng.choices(codes, weights)[0]
        text = body(rng, code)
        year = 2013 if rng.random() < 0.4 else 2014
        day = _day(rng, year)
        if day > today:
            day = today - datetime.timedelta(days=rng.randrange(120))
        if rng.random() < 0.7:
            woman_id, org_id = rng.choice(women)
            group, group_size = "", None
        else:
            woman_id = None
            org_id = rng.choice(communities) if rng.random() < 0.85 else rng.choice(townships or communities)
            group, group_size = "座谈会参会妇女", rng.randint(5, 40)
        closed = rng.random() < (0.9 if year == 2013 else 0.55)
        status = (
            rng.choice(["resolved", "resolved", "resolved", "counselled", "escalated"]) if closed else "open"
        )
        review_on = day + datetime.timedelta(days=rng.choice([15, 30, 60, 90]))
        need_id = uuid.UUID(int=rng.getrandbits(128))
        needs.append(
            Need(
                id=need_id,
                org_id=org_id,
                woman_id=woman_id,
                group_description=group,
                group_size=group_size,
                category_id=categories[code],
                source=rng.choice(SOURCES),
                urgency="urgent" if rng.random() < 0.08 else "normal",
                description=text,
                reported_on=day,
                year=day.year,
                month=day.month,
                review_on=review_on,
                handler_id=cadres.get(org_id),
                status=status,
                closed_on=min(review_on, today) if closed else None,
                outcome_note="已解释相关政策" if status == "counselled" else "",
            )
        )
        keywords.extend(
            NeedKeyword(need_id=need_id, org_id=org_id, year=day.year, keyword=w)
            for w in extract_keywords(text)
        )
        need_refs.append((need_id, org_id, woman_id, day))
        if len(needs) >= CHUNK or index == size["needs"] - 1:  # bounded memory: insert as we go
            made_needs += insert(Need, needs)
            made_keywords += insert(NeedKeyword, keywords)
            needs, keywords = [], []
    ctx.log(f"  {made_needs} needs, {made_keywords} keywords")

    pairs, helpers = [], []
    for _ in range(size["pairings"]):
        woman_id, org_id = rng.choice(women)
        start = datetime.date(2013, 3, 1) + datetime.timedelta(days=rng.randrange(540))
        many = rng.random() < 0.3
        pair = Pairing(
            id=uuid.UUID(int=rng.getrandbits(128)),
            org_id=org_id,
            woman_id=woman_id,
            kind="many_to_one" if many else "one_to_one",
            starts_on=start,
            review_on=start + datetime.timedelta(days=180),
            year=start.year,
            status="active",
        )
        pairs.append(pair)
        helpers.append(
            PairingHelper(
                pairing_id=pair.id,
                user_id=cadres.get(org_id),
                helper_org_id=None if cadres.get(org_id) else org_id,
            )
        )
        if many:
            helpers.append(PairingHelper(pairing_id=pair.id, helper_org_id=org_id))
    insert(Pairing, pairs)
    insert(PairingHelper, helpers)
    ctx.log(f"  {len(pairs)} pairings, {len(helpers)} helpers")

    project_of = _project_finder()
    actions = []
    for _ in range(size["actions"]):
        need_id, org_id, woman_id, day = rng.choice(need_refs)
        service = rng.choice(SERVICES)
        given = day + datetime.timedelta(days=rng.randrange(60))
        funds = service in ("funds", "project")
        project_name = rng.choice(PROJECTS) if funds or rng.random() < 0.3 else ""
        actions.append(
            Action(
                id=uuid.UUID(int=rng.getrandbits(128)),
                org_id=org_id,
                need_id=need_id,
                woman_id=woman_id,
                service=service,
                given_on=given,
                year=given.year,
                given_by_id=cadres.get(org_id),
                given_by_org_id=None if cadres.get(org_id) else org_id,
                amount=Decimal(rng.choice([200, 500, 800, 1000, 2000, 5000, 30000])) if funds else None,
                project_name=project_name,
                project_id=project_of(project_name, given.year, org_id),
            )
        )
    insert(Action, actions)
    ctx.log(f"  {len(actions)} actions")


def _project_finder():
    """NEED-3 in bulk: the livelihood project an action's name stands for — that name and year, run by
    the action's unit or the nearest federation above it (``pairings.project_for_name``, without a
    query per action)."""

    projects: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for pk, name, year, path in Project.objects.values_list("pk", "name", "year", "org__path"):
        projects.setdefault((name, year), []).append((path, pk))
    paths: dict[int, str] = dict(Org.objects.values_list("id", "path")) if projects else {}

    def find(name: str, year: int, org_id: int) -> int | None:
        candidates = projects.get((name, year))
        if not candidates:
            return None
        inside = [c for c in candidates if paths[org_id].startswith(c[0])]
        return max(inside, key=lambda c: len(c[0]))[1] if inside else None

    return find
