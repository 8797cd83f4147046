"""Demo women for the Harbin 2014 federation: a few dozen records in 道里区 and 南岗区, registered by the
demo cadres through the same service as the form, with valid ID numbers of their districts (2301xx)."""

from __future__ import annotations

import datetime
import random

from fuqing.core.loaders import register_demo_step
from fuqing.core.scoping import subtree_q
from fuqing.core.synth import woman_name
from fuqing.orgs.models import Org, OrgKind, User
from fuqing.registry import privacy, services
from fuqing.registry.models import ConsentPurpose, VulnerableGroup
from fuqing.registry.validators import make_id_number

HOUSEHOLD = [
    "丈夫外出务工，独自照顾两个孩子和婆婆",
    "独居，子女在外地工作，每月回来一次",
    "离异，抚养一个上初中的女儿",
    "丈夫因病丧失劳动能力，家庭收入主要靠低保",
    "原在企业工作，2013 年下岗，正在找工作",
    "土地被征用后没有固定收入",
    "与老伴同住，老伴行动不便",
    "从外省来哈务工，租房居住",
]
HEALTH = ["高血压，长期服药", "腰椎间盘突出", "糖尿病", "两癌筛查未做过"]
STREETS = ["友谊路", "安静街", "经纬街", "新阳路", "工程街", "中央大街", "西大直街", "学府路"]


def _phone(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.8:
        return f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
    if roll < 0.92:
        return f"0451-8{rng.randint(1000000, 9999999)}"
    return ""


def _address(rng: random.Random) -> str:
    return f"{rng.choice(STREETS)}{rng.randint(1, 300)}号{rng.randint(1, 6)}单元{rng.randint(101, 602)}室"


def _women_for(rng, district: Org, actor: User, count: int, groups: list, used: set) -> list:
    communities = list(Org.objects.filter(subtree_q(district.path), kind=OrgKind.COMMUNITY).order_by("path"))
    made = []
    for n in range(count):
        community = communities[n % len(communities)]
        birth = datetime.date(rng.randint(1938, 1994), rng.randint(1, 12), rng.randint(1, 28))
        seq = rng.randint(0, 499)
        while (birth, seq) in used:
            seq = (seq + 1) % 500
        used.add((birth, seq))
        age = 2014 - birth.year
        chosen = []
        if age >= 60 and rng.random() < 0.5:
            chosen.append("elderly-empty-nest")
        chosen += rng.sample(
            ["landless", "unemployed", "left-behind", "migrant", "special-hardship", "single-poor-mother"],
            k=rng.choice([0, 1, 1, 1, 2]),
        )
        health = rng.choice(HEALTH) if rng.random() < 0.25 else ""
        woman = services.register_woman(
            actor,
            org=community,
            name=woman_name(rng),
            id_number=make_id_number(district.division_code, birth, seq),
            phone=_phone(rng),
            address=_address(rng),
            groups=[g for g in groups if g.code in chosen],
            household_notes=rng.choice(HOUSEHOLD),
            health_notes=health,
            health_consent=bool(health),
            registered_on=datetime.date(2014, 4, 1) + datetime.timedelta(days=rng.randint(0, 60)),
            source="demo",
        )
        made.append(woman)
    return made


@register_demo_step(order=30)
def load_women(summary: dict) -> None:
    rng = random.Random(2014)
    groups = list(VulnerableGroup.objects.all())
    daoli = User.objects.get(username="daoli")
    nangang = User.objects.get(username="nangang")
    used: set = set()
    women = _women_for(rng, daoli.org, daoli, 24, groups, used)
    women += _women_for(rng, nangang.org, nangang, 12, groups, used)
    # A likely duplicate for the duplicates page: the same woman registered again with a mistyped ID.
    first = next(w for w in women if w.phone)
    birth = first.birth_date + datetime.timedelta(days=1)
    services.register_woman(
        daoli,
        org=first.org,
        name=first.name,
        id_number=make_id_number(daoli.org.division_code, birth, 7),
        phone=first.phone,
        address=first.address,
        registered_on=datetime.date(2014, 5, 20),
        source="demo",
    )
    privacy.give_consent(daoli, women[1], ConsentPurpose.FINANCE, given_on=datetime.date(2014, 4, 20))
    summary["women"] = len(women) + 1
